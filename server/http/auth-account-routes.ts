import Router from '@koa/router';
import { register, resendVerification, verifyEmail } from '../auth/use-cases/register.ts';
import { changePassword, forgotPassword, resetPassword } from '../auth/use-cases/password.ts';
import { profileOf, updateProfile } from '../auth/use-cases/profile.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { AUTH_RULES, rateLimit } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { requester } from './requester.ts';
import { publicUser } from './public-user.ts';
import { parseInput } from './validation.ts';
import { changePasswordBody, emailBody, linkTokenBody, profilePatch, registerBody, resetPasswordBody } from '../../shared/api/auth.ts';
import { bodyOf } from './body.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/** Accounts: register, verify, forgot/reset and change password, profile. */
export function authAccountRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth' });
  const { log, config } = deps;
  const ip = (ctx: Parameters<typeof clientIp>[0]) => addressGroup(clientIp(ctx, deps.trustedProxies));
  const limits = config.security.authRateLimit;
  router.use(translateAuthErrors);

  // The same answer whether or not the address has an account (see register).
  router.post('/register', rateLimit(deps.limiter, AUTH_RULES.register, log, ip, limits), async (ctx) => {
    const input = parseInput(registerBody, bodyOf(ctx));
    await register(deps, input, requester(ctx, deps));
    ctx.status = 202;
    ctx.body = { verificationSent: true, message: 'check your mail to finish signing up' };
  });

  router.post('/verify', async (ctx) => {
    const input = parseInput(linkTokenBody, bodyOf(ctx));
    await verifyEmail(deps, input.token);
    ctx.body = { verified: true };
  });

  // The same answer whether or not the email has an account, so it reveals none.
  router.post('/resend-verification', rateLimit(deps.limiter, AUTH_RULES.passwordReset, log, ip, limits), async (ctx) => {
    const input = parseInput(emailBody, bodyOf(ctx));
    await resendVerification(deps, input.email);
    ctx.status = 202;
    ctx.body = { message: 'if the account exists and is not verified yet, a new link is on its way' };
  });

  router.post('/forgot-password', rateLimit(deps.limiter, AUTH_RULES.passwordReset, log, ip, limits), async (ctx) => {
    const input = parseInput(emailBody, bodyOf(ctx));
    await forgotPassword(deps, input.email, requester(ctx, deps));
    ctx.status = 202;
    ctx.body = { message: 'if an account exists for this email, a reset link is on its way' };
  });

  router.post('/reset-password', rateLimit(deps.limiter, AUTH_RULES.passwordReset, log, ip, limits), async (ctx) => {
    const input = parseInput(resetPasswordBody, bodyOf(ctx));
    await resetPassword(deps, input, requester(ctx, deps));
    ctx.body = { reset: true };
  });

  router.post('/change-password', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(changePasswordBody, bodyOf(ctx));
    const others = await changePassword(deps, userId, input, requester(ctx, deps));
    ctx.body = { changed: true, otherDevicesSignedOut: others };
  });

  router.get('/me', requireUser(deps.tokens), async (ctx) => {
    ctx.body = { user: publicUser(await profileOf(deps, userIdOf(ctx))) };
  });

  router.patch('/me', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(profilePatch, bodyOf(ctx));
    ctx.body = { user: publicUser(await updateProfile(deps, userId, input)) };
  });

  return router;
}
