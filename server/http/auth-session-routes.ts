import Router from '@koa/router';
import { findUserByEmail } from '../db/users.ts';
import { REFRESH_COOKIE, readCookie } from './cookies.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import { AUTH_RULES, rateLimit } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { clearSignInCookies, completeSignIn, issueCookies } from './sign-in.ts';
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

  router.post('/login', rateLimit(deps.limiter, AUTH_RULES.login, log, ip, limits), async (ctx) => {
    const input = parseInput(loginBody, bodyOf(ctx));
    const found = await findUserByEmail(deps.pool, input.email);
    const user = found && !found.is_anonymous && found.password_hash ? found : undefined;
    // Known or not, the same throttle and the same bcrypt comparison (against a dummy hash
    // for an unknown email): neither status nor timing tells which emails have accounts.
    const key = deps.signInGuard.keyFor(ctx, input.email, user?.id);
    await deps.signInGuard.check(ctx, key, { userId: user?.id, context: 'login', event: 'auth_login_failed' }, () => deps.hasher.verify(input.password, user?.password_hash ?? null),
      () => new HttpError(401, 'INVALID_CREDENTIALS', 'wrong email or password'));
    if (!user) throw new HttpError(401, 'INVALID_CREDENTIALS', 'wrong email or password'); // (verify(null) never passes)
    if (!user.email_verified_at) throw new HttpError(403, 'EMAIL_NOT_VERIFIED', 'confirm your email first; we can send the link again');
    if (await deps.secondFactor.isEnabled(user.id)) {
      // The step token travels in this JSON body, never in a URL, and is good for one sign-in.
      const step = deps.tokens.sign('login-2fa', user.id);
      ctx.body = { twoFactorRequired: true, twoFactorToken: step.token, expiresIn: step.expiresIn };
      return;
    }
    await deps.signInGuard.succeeded(key);
    await completeSignIn(ctx, deps, user.id);
  });

  router.post('/refresh', async (ctx) => {
    const token = readCookie(ctx, REFRESH_COOKIE);
    // No cookie is the ordinary first visit, not a failure: answering 401 would put a red
    // error in every new visitor's console. 204 says "no sign-in here" (API.md).
    if (!token) {
      ctx.status = 204;
      return;
    }
    const family = await deps.refreshTokens.familyOf(token);
    if (family) deps.csrf.check(ctx, family.familyId);
    const result = await deps.refreshTokens.rotate(token, { userAgent: ctx.get('user-agent'), ip: clientIp(ctx, deps.trustedProxies) });
    if (!result.ok) {
      clearSignInCookies(ctx);
      if (result.code === 'REFRESH_REUSED') {
        log.warn({ event: 'refresh_token_reuse_detected', userId: result.userId, familyId: result.familyId, ip: clientIp(ctx, deps.trustedProxies) }, 'a spent refresh token was presented again: the device is signed out');
      }
      throw new HttpError(401, result.code, result.code === 'REFRESH_REUSED' ? 'this sign-in was revoked for your safety; sign in again' : 'sign in again');
    }
    issueCookies(ctx, deps, result.token, result.familyId, result.expiresAt);
    const access = deps.tokens.sign('access', result.userId, result.familyId);
    ctx.body = { accessToken: access.token, expiresIn: access.expiresIn };
  });

  router.post('/logout', async (ctx) => {
    const token = readCookie(ctx, REFRESH_COOKIE);
    const family = token ? await deps.refreshTokens.familyOf(token) : undefined;
    if (family) {
      deps.csrf.check(ctx, family.familyId);
      await deps.refreshTokens.revokeFamily(family.userId, family.familyId, 'logout');
      log.info({ event: 'auth_logout', userId: family.userId, ip: clientIp(ctx, deps.trustedProxies) }, 'signed out');
    }
    clearSignInCookies(ctx);
    ctx.status = 204;
  });

  router.post('/logout-all', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const revoked = await deps.refreshTokens.revokeAll(userId, 'logout_everywhere');
    log.info({ event: 'auth_logout_everywhere', userId, devices: revoked, ip: clientIp(ctx, deps.trustedProxies) }, 'signed out everywhere');
    clearSignInCookies(ctx);
    ctx.status = 204;
  });

  router.get('/devices', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const token = readCookie(ctx, REFRESH_COOKIE);
    const current = token ? (await deps.refreshTokens.familyOf(token))?.familyId : undefined;
    const devices = await deps.refreshTokens.devices(userId);
    ctx.body = {
      devices: devices.map((d) => ({ id: d.family_id, userAgent: d.user_agent, device: describeDevice(d.user_agent), ip: d.ip, signedInAt: d.signed_in_at.toISOString(), lastUsedAt: d.last_used_at.toISOString(), current: d.family_id === current })),
    };
  });

  router.delete('/devices/:id', requireUser(deps.tokens), async (ctx) => {
    const id = parseInput(deviceIdParam, ctx.params).id;
    if (!(await deps.refreshTokens.revokeFamily(userIdOf(ctx), id, 'revoked_by_user'))) throw new HttpError(404, 'DEVICE_NOT_FOUND', 'no such signed-in device');
    ctx.status = 204;
  });

  return router;
}
