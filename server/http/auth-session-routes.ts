import Router from '@koa/router';
import { AuthError } from '../auth/errors.ts';
import { logIn } from '../auth/use-cases/login.ts';
import { refreshSignIn } from '../auth/use-cases/refresh.ts';
import { listDevices, revokeDevice, signOut, signOutEverywhere } from '../auth/use-cases/devices.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { AUTH_RULES, rateLimit } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { requester } from './requester.ts';
import { answerSignIn, clearSignInCookies, issueCookies } from './sign-in.ts';
import { parseInput } from './validation.ts';
import { deviceIdParam, loginBody } from '../../shared/api/auth.ts';
import { bodyOf } from './body.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { describeDevice } from '../auth/device-label.ts';

/** Signing in and out: login (step one of two with 2FA), refresh rotation, logout, devices. */
export function authSessionRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth' });
  const { log, config } = deps;
  const ip = (ctx: Parameters<typeof clientIp>[0]) => addressGroup(clientIp(ctx, deps.trustedProxies));
  const limits = config.security.authRateLimit;
  router.use(translateAuthErrors);

  // Translated inside the limiter too: it counts the refusals (401, 423) it sees.
  router.post('/login', rateLimit(deps.limiter, AUTH_RULES.login, log, ip, limits), translateAuthErrors, async (ctx) => {
    const input = parseInput(loginBody, bodyOf(ctx));
    const outcome = await logIn(deps, input, requester(ctx, deps));
    if (outcome.kind === 'two_factor') ctx.body = { twoFactorRequired: true, twoFactorToken: outcome.stepToken, expiresIn: outcome.expiresIn };
    else answerSignIn(ctx, deps, outcome.signIn);
  });

  router.post('/refresh', async (ctx) => {
    const from = requester(ctx, deps);
    // No cookie is the ordinary first visit, not a failure: answering 401 would put a red
    // error in every new visitor's console. 204 says "no sign-in here" (API.md).
    if (!from.refreshToken) {
      ctx.status = 204;
      return;
    }
    const refreshed = await refreshSignIn(deps, from.refreshToken, from, (familyId) => deps.csrf.check(ctx, familyId)).catch((error: unknown) => {
      if (error instanceof AuthError) clearSignInCookies(ctx);
      throw error;
    });
    issueCookies(ctx, deps, refreshed.refresh.token, refreshed.refresh.familyId, refreshed.refresh.expiresAt);
    ctx.body = { accessToken: refreshed.access.token, expiresIn: refreshed.access.expiresIn };
  });

  router.post('/logout', async (ctx) => {
    await signOut(deps, requester(ctx, deps), (familyId) => deps.csrf.check(ctx, familyId));
    clearSignInCookies(ctx);
    ctx.status = 204;
  });

  router.post('/logout-all', requireUser(deps.tokens), async (ctx) => {
    await signOutEverywhere(deps, userIdOf(ctx), requester(ctx, deps));
    clearSignInCookies(ctx);
    ctx.status = 204;
  });

  router.get('/devices', requireUser(deps.tokens), async (ctx) => {
    const { devices, current } = await listDevices(deps, userIdOf(ctx), requester(ctx, deps));
    ctx.body = {
      devices: devices.map((d) => ({ id: d.family_id, userAgent: d.user_agent, device: describeDevice(d.user_agent), ip: d.ip, signedInAt: d.signed_in_at.toISOString(), lastUsedAt: d.last_used_at.toISOString(), current: d.family_id === current })),
    };
  });

  router.delete('/devices/:id', requireUser(deps.tokens), async (ctx) => {
    const id = parseInput(deviceIdParam, ctx.params).id;
    await revokeDevice(deps, userIdOf(ctx), id);
    ctx.status = 204;
  });

  return router;
}
