import Router from '@koa/router';
import { passwordProblem } from '../auth/passwords.ts';
import { findUserByEmail, findUserById, insertUser, markEmailVerified, setPassword, updateProfile } from '../db/users.ts';
import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken, revokeAllOneTimeTokens, revokeOneTimeTokens } from '../db/one-time-tokens.ts';
import { accountExistsMail, passwordResetMail, securityNoticeMail, verificationMail } from '../email/templates.ts';
import { reauthenticate } from './reauthenticate.ts';
import { REFRESH_COOKIE, readCookie } from './cookies.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import { AUTH_RULES, rateLimit } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { publicUser } from './public-user.ts';
import { parseInput } from './validation.ts';
import { changePasswordBody, emailBody, linkTokenBody, profilePatch, registerBody, resetPasswordBody } from '../../shared/api/auth.ts';
import { bodyOf } from './body.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

const VERIFY_MINUTES = 24 * 60;
const RESET_MINUTES = 60;

/** Accounts: register, verify, forgot/reset and change password, profile. */
export function authAccountRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth' });
  const { log, config, pool } = deps;
  const ip = (ctx: Parameters<typeof clientIp>[0]) => addressGroup(clientIp(ctx, deps.trustedProxies));
  const limits = config.security.authRateLimit;
  const link = (page: string, value: string) => `${config.publicUrl}/${page}?token=${encodeURIComponent(value)}`;

  const sendVerification = async (userId: string, to: string) => {
    await revokeOneTimeTokens(pool, userId, 'email_verification');
    const value = await createOneTimeToken(pool, { userId, purpose: 'email_verification', ttlMinutes: VERIFY_MINUTES, email: to });
    await deps.mailer.send(verificationMail(to, link('verify', value)));
  };

  // The same answer, the same bcrypt work and no mail-server wait whether or not the address
  // has an account: a taken address is not revealed to the caller; its owner gets a mail.
  router.post('/register', rateLimit(deps.limiter, AUTH_RULES.register, log, ip, limits), async (ctx) => {
    const input = parseInput(registerBody, bodyOf(ctx));
    const weak = passwordProblem(input.password, input.email);
    if (weak) throw new HttpError(400, 'WEAK_PASSWORD', `the password ${weak}`, { fields: { password: weak } });
    const user = await insertUser(pool, { email: input.email, passwordHash: await deps.hasher.hash(input.password), displayName: input.displayName });
    if (user) {
      await sendVerification(user.id, input.email);
      log.info({ event: 'auth_registered', userId: user.id, ip: clientIp(ctx, deps.trustedProxies) }, 'account registered');
    } else {
      const owner = await findUserByEmail(pool, input.email);
      if (owner?.email) await deps.mailer.send(accountExistsMail(owner.email, `${config.publicUrl}/login`, `${config.publicUrl}/forgot`));
      log.info({ event: 'auth_register_existing_email', userId: owner?.id, ip: clientIp(ctx, deps.trustedProxies) }, 'registration for an address that has an account: its owner was mailed');
    }
    ctx.status = 202;
    ctx.body = { verificationSent: true, message: 'check your mail to finish signing up' };
  });

  router.post('/verify', async (ctx) => {
    const input = parseInput(linkTokenBody, bodyOf(ctx));
    const result = await consumeOneTimeToken(pool, input.token, 'email_verification');
    if (!result.ok) throw tokenError(result.code, 'verification');
    await markEmailVerified(pool, result.userId);
    log.info({ event: 'auth_email_verified', userId: result.userId }, 'email verified');
    ctx.body = { verified: true };
  });

  // The same answer whether or not the email has an account, so it reveals none.
  router.post('/resend-verification', rateLimit(deps.limiter, AUTH_RULES.passwordReset, log, ip, limits), async (ctx) => {
    const input = parseInput(emailBody, bodyOf(ctx));
    const user = await findUserByEmail(pool, input.email);
    if (user?.email && !user.email_verified_at) await sendVerification(user.id, user.email);
    ctx.status = 202;
    ctx.body = { message: 'if the account exists and is not verified yet, a new link is on its way' };
  });

  router.post('/forgot-password', rateLimit(deps.limiter, AUTH_RULES.passwordReset, log, ip, limits), async (ctx) => {
    const input = parseInput(emailBody, bodyOf(ctx));
    const user = await findUserByEmail(pool, input.email);
    if (user?.email && !user.is_anonymous) {
      await revokeOneTimeTokens(pool, user.id, 'password_reset');
      const value = await createOneTimeToken(pool, { userId: user.id, purpose: 'password_reset', ttlMinutes: RESET_MINUTES, email: user.email });
      await deps.mailer.send(passwordResetMail(user.email, link('reset', value)));
      log.info({ event: 'auth_password_reset_requested', userId: user.id, ip: clientIp(ctx, deps.trustedProxies) }, 'password reset link sent');
    }
    ctx.status = 202;
    ctx.body = { message: 'if an account exists for this email, a reset link is on its way' };
  });

  router.post('/reset-password', rateLimit(deps.limiter, AUTH_RULES.passwordReset, log, ip, limits), async (ctx) => {
    const input = parseInput(resetPasswordBody, bodyOf(ctx));
    // Checked before the link is used up, so a mistyped 2FA code does not burn the link.
    const peeked = await peekOneTimeToken(pool, input.token, 'password_reset');
    if (!peeked.ok) throw tokenError(peeked.code, 'reset');
    const user = await findUserById(pool, peeked.userId);
    if (!user?.email) throw tokenError('TOKEN_INVALID', 'reset');
    const weak = passwordProblem(input.password, user.email);
    if (weak) throw new HttpError(400, 'WEAK_PASSWORD', `the password ${weak}`, { fields: { password: weak } });
    if (await deps.secondFactor.isEnabled(user.id)) {
      const code = input.code;
      if (!code) throw new HttpError(400, 'TWO_FACTOR_REQUIRED', 'enter the code from your authenticator app or a backup code', { fields: { code: 'required' } });
      // Wrong codes here count toward the same throttle as at sign-in.
      const guard = deps.signInGuard;
      const key = guard.keyFor(ctx, user.email, user.id);
      await guard.check(ctx, key, { userId: user.id, context: 'password_reset', event: 'auth_2fa_failed' }, () => deps.secondFactor.verify(user.id, code),
        () => new HttpError(400, 'TWO_FACTOR_INVALID', 'that code is not valid'));
      await guard.succeeded(key);
    }
    const consumed = await consumeOneTimeToken(pool, input.token, 'password_reset');
    if (!consumed.ok) throw tokenError(consumed.code, 'reset');
    await setPassword(pool, user.id, await deps.hasher.hash(input.password));
    await markEmailVerified(pool, user.id); // the link, bound to this address, proved it
    await revokeAllOneTimeTokens(pool, user.id, true);
    const devices = await deps.refreshTokens.revokeAll(user.id, 'password_reset');
    log.info({ event: 'auth_password_reset', userId: user.id, devicesSignedOut: devices, ip: clientIp(ctx, deps.trustedProxies) }, 'password reset');
    await deps.mailer.send(securityNoticeMail(user.email, 'the password was reset and every device signed out'));
    ctx.body = { reset: true };
  });

  router.post('/change-password', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(changePasswordBody, bodyOf(ctx));
    const user = await reauthenticate(ctx, deps, userId, { password: input.currentPassword, code: input.code }, 'change_password').catch((error: unknown) => {
      // The form's field is currentPassword.
      if (error instanceof HttpError && error.code === 'INVALID_CREDENTIALS') throw new HttpError(400, 'INVALID_CREDENTIALS', 'the current password is wrong', { fields: { currentPassword: 'wrong password' } });
      throw error;
    });
    const weak = passwordProblem(input.newPassword, user.email);
    if (weak) throw new HttpError(400, 'WEAK_PASSWORD', `the password ${weak}`, { fields: { newPassword: weak } });
    await setPassword(pool, userId, await deps.hasher.hash(input.newPassword));
    await revokeAllOneTimeTokens(pool, userId, true);
    const refresh = readCookie(ctx, REFRESH_COOKIE);
    const current = refresh ? (await deps.refreshTokens.familyOf(refresh))?.familyId : undefined;
    const others = await deps.refreshTokens.revokeAll(userId, 'password_changed', current);
    log.info({ event: 'auth_password_changed', userId, otherDevicesSignedOut: others, ip: clientIp(ctx, deps.trustedProxies) }, 'password changed');
    await deps.mailer.send(securityNoticeMail(user.email, 'the password was changed'));
    ctx.body = { changed: true, otherDevicesSignedOut: others };
  });

  router.get('/me', requireUser(deps.tokens), async (ctx) => {
    const user = await findUserById(pool, userIdOf(ctx));
    if (!user) throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    ctx.body = { user: publicUser(user) };
  });

  router.patch('/me', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(profilePatch, bodyOf(ctx));
    if (input.email !== undefined) {
      const before = await findUserById(pool, userId);
      if (before?.is_anonymous) throw new HttpError(403, 'ACCOUNT_REQUIRED', 'register an account to have an email (your sessions come with you)');
      if (before?.email?.toLowerCase() !== input.email.toLowerCase()) {
        throw new HttpError(400, 'EMAIL_CHANGE_NEEDS_CONFIRMATION', 'change the email with POST /auth/email-change: it asks for your password and a link mailed to the new address', { fields: { email: 'use the email change form' } });
      }
    }
    const user = await updateProfile(pool, userId, { displayName: input.displayName });
    if (!user) throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    ctx.body = { user: publicUser(user) };
  });

  return router;
}

export function tokenError(code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED', kind: 'verification' | 'reset' | 'email change'): HttpError {
  const what = `${kind} link`;
  const message = { TOKEN_INVALID: `this ${what} is not valid`, TOKEN_EXPIRED: `this ${what} has expired; ask for a new one`, TOKEN_USED: `this ${what} was already used` }[code];
  return new HttpError(400, code, message);
}
