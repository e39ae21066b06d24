import Router from '@koa/router';
import { logInSecondStep } from '../auth/use-cases/login.ts';
import { disableTwoFactor, enableTwoFactor, regenerateBackupCodes, startTwoFactorSetup } from '../auth/use-cases/two-factor.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { clearCookie, readCookie } from './cookies.ts';
import { AUTH_RULES, rateLimit } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { requester } from './requester.ts';
import { answerSignIn } from './sign-in.ts';
import { parseInput } from './validation.ts';
import { codeAndPasswordBody, loginSecondStepBody, passwordAndCodeBody, passwordBody } from '../../shared/api/auth.ts';
import { bodyOf } from './body.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/** Carries the 2FA step token after a Google sign-in: a cookie, never a URL that logs keep. */
export const STEP_COOKIE = 'ff_2fa';

/**
 * TOTP two-factor authentication (auth/use-cases/two-factor.ts): setup, enable, backup
 * codes, disable; and the second step of a login, which takes the step token from POST
 * /auth/login (or the cookie a Google sign-in set) and a code.
 */
export function twoFactorRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth' });
  const { log, config } = deps;
  const limits = config.security.authRateLimit;
  const perIp = rateLimit(deps.limiter, AUTH_RULES.twoFactor, log, (ctx) => addressGroup(clientIp(ctx, deps.trustedProxies)), limits);
  const signedIn = requireUser(deps.tokens);
  router.use(translateAuthErrors);

  router.post('/2fa/setup', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(passwordBody, bodyOf(ctx));
    ctx.body = await startTwoFactorSetup(deps, userId, input, requester(ctx, deps));
  });

  router.post('/2fa/enable', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(codeAndPasswordBody, bodyOf(ctx));
    ctx.body = { enabled: true, backupCodes: await enableTwoFactor(deps, userId, input, requester(ctx, deps)) };
  });

  router.post('/2fa/backup-codes', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(codeAndPasswordBody, bodyOf(ctx));
    ctx.body = { backupCodes: await regenerateBackupCodes(deps, userId, input, requester(ctx, deps)) };
  });

  router.post('/2fa/disable', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(passwordAndCodeBody, bodyOf(ctx));
    await disableTwoFactor(deps, userId, input, requester(ctx, deps));
    ctx.body = { disabled: true };
  });

  // Translated inside the limiter too: it counts the refusals (401, 423) it sees.
  router.post('/login/2fa', perIp, translateAuthErrors, async (ctx) => {
    const input = parseInput(loginSecondStepBody, bodyOf(ctx));
    const signedIn = await logInSecondStep(deps, { stepToken: input.twoFactorToken ?? readCookie(ctx, STEP_COOKIE), code: input.code }, requester(ctx, deps));
    clearCookie(ctx, STEP_COOKIE, '/auth/login');
    answerSignIn(ctx, deps, signedIn);
  });

  return router;
}
