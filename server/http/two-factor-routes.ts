import Router from '@koa/router';
import type { Context } from 'koa';
import { hashBackupCode, verifyTotp } from '../auth/second-factor.ts';
import { encryptSecret } from '../auth/totp-crypto.ts';
import { newBackupCodes, newTotpSecret, otpauthUri } from '../auth/two-factor-setup.ts';
import { deleteSecondFactor, enableWithBackupCodes, replaceBackupCodes, saveUnconfirmedSecret, totpState } from '../db/totp-store.ts';
import { findUserById } from '../db/users.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { REFRESH_COOKIE, clearCookie, readCookie } from './cookies.ts';
import { reauthenticate } from './reauthenticate.ts';
import { securityNoticeMail } from '../email/templates.ts';
import { HttpError } from './errors.ts';
import { AUTH_RULES, rateLimit } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { completeSignIn } from './sign-in.ts';
import { parseInput } from './validation.ts';
import { codeAndPasswordBody, loginSecondStepBody, passwordAndCodeBody, passwordBody } from '../../shared/api/auth.ts';
import { bodyOf } from './body.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/** Carries the 2FA step token after a Google sign-in: a cookie, never a URL that logs keep. */
export const STEP_COOKIE = 'ff_2fa';

/**
 * TOTP two-factor authentication: setup (secret for the QR code), enable with a first code
 * (and 10 backup codes, shown once), regenerate backup codes, disable, and the second step
 * of a login, which takes the step token from POST /auth/login (or the cookie a Google
 * sign-in set) and a code. Every change asks for the password again (and the code once 2FA
 * is on), signs out the account's other devices and mails the owner.
 */
export function twoFactorRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth' });
  const { log, config, pool, keys } = deps;
  const limits = config.security.authRateLimit;
  const perIp = rateLimit(deps.limiter, AUTH_RULES.twoFactor, log, (ctx) => addressGroup(clientIp(ctx, deps.trustedProxies)), limits);
  const signedIn = requireUser(deps.tokens);
  const changed = async (ctx: Context, user: { id: string; email: string }, what: string, event: string) => {
    const others = await signOutOtherDevices(ctx, deps, user.id, event);
    log.info({ event, userId: user.id, ip: clientIp(ctx, deps.trustedProxies), otherDevicesSignedOut: others }, what);
    await deps.mailer.send(securityNoticeMail(user.email, what));
  };

  router.post('/2fa/setup', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(passwordBody, bodyOf(ctx));
    if (await deps.secondFactor.isEnabled(userId)) throw alreadyEnabled();
    const user = await reauthenticate(ctx, deps, userId, input, '2fa_setup');
    const secret = newTotpSecret();
    if (!(await saveUnconfirmedSecret(pool, userId, encryptSecret(keys.key('totp-encryption'), secret)))) throw alreadyEnabled();
    log.info({ event: 'auth_2fa_setup_started', userId, ip: clientIp(ctx, deps.trustedProxies) }, 'two-factor setup started');
    ctx.body = { secret, otpauthUri: otpauthUri(secret, user.email) };
  });

  router.post('/2fa/enable', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(codeAndPasswordBody, bodyOf(ctx));
    const state = await totpState(pool, userId);
    if (state.kind === 'enabled') throw alreadyEnabled();
    if (state.kind === 'none') throw new HttpError(409, 'TWO_FACTOR_NOT_SET_UP', 'start the setup first');
    const user = await reauthenticate(ctx, deps, userId, { password: input.password }, '2fa_enable');
    // Not yet enabled, so only the TOTP check applies; it records the step, so this code
    // cannot be replayed at the login that follows. It counts toward the throttle too.
    const guard = deps.signInGuard;
    const key = guard.keyFor(ctx, user.email, userId);
    await guard.check(ctx, key, { userId, context: '2fa_enable', event: 'auth_2fa_failed' }, () => verifyTotp(pool, keys, userId, input.code.replace(/\s/g, ''), false), () => refuseCode());
    await guard.succeeded(key);
    const backupCodes = newBackupCodes();
    if (!(await enableWithBackupCodes(pool, userId, state.secretEncrypted, backupCodes.map(hashBackupCode)))) {
      throw new HttpError(409, 'TWO_FACTOR_SETUP_CHANGED', 'the setup was restarted meanwhile; scan the new QR code');
    }
    await changed(ctx, user, 'two-factor authentication was turned on', 'auth_2fa_enabled');
    ctx.body = { enabled: true, backupCodes };
  });

  router.post('/2fa/backup-codes', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(codeAndPasswordBody, bodyOf(ctx));
    if (!(await deps.secondFactor.isEnabled(userId))) throw notEnabled();
    const user = await reauthenticate(ctx, deps, userId, input, '2fa_backup_codes');
    const backupCodes = newBackupCodes();
    if (!(await replaceBackupCodes(pool, userId, backupCodes.map(hashBackupCode)))) throw notEnabled();
    await changed(ctx, user, 'new backup codes were made (the old ones no longer work)', 'auth_2fa_backup_codes_regenerated');
    ctx.body = { backupCodes };
  });

  router.post('/2fa/disable', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(passwordAndCodeBody, bodyOf(ctx));
    if (!(await deps.secondFactor.isEnabled(userId))) throw notEnabled();
    const user = await reauthenticate(ctx, deps, userId, input, '2fa_disable');
    await deleteSecondFactor(pool, userId);
    await changed(ctx, user, 'two-factor authentication was turned off', 'auth_2fa_disabled');
    ctx.body = { disabled: true };
  });

  // Step two of a login. The step token only says "this password was right a moment ago";
  // it has its own key and audience, so it opens nothing else, and it opens one sign-in at
  // most. Wrong codes count toward the same throttle as wrong passwords.
  router.post('/login/2fa', perIp, async (ctx) => {
    const input = parseInput(loginSecondStepBody, bodyOf(ctx));
    const step = deps.tokens.verify('login-2fa', input.twoFactorToken ?? readCookie(ctx, STEP_COOKIE));
    if (!step.ok) {
      const expired = step.code === 'TOKEN_EXPIRED';
      log.info({ event: 'auth_2fa_failed', reason: expired ? 'step_token_expired' : 'step_token_invalid', context: 'login', ip: clientIp(ctx, deps.trustedProxies) }, 'two-factor step token refused');
      throw new HttpError(401, step.code, expired ? 'the sign-in took too long; enter your password again' : 'sign in with your password first');
    }
    const userId = step.userId;
    const user = await findUserById(pool, userId);
    if (!user?.email) throw new HttpError(401, 'TOKEN_INVALID', 'sign in with your password first');
    const guard = deps.signInGuard;
    const key = guard.keyFor(ctx, user.email, userId);
    await guard.check(ctx, key, { userId, context: 'login_2fa', event: 'auth_2fa_failed' }, () => deps.secondFactor.verify(userId, input.code),
      () => new HttpError(401, 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } }));
    if (!(await useStepToken(pool, step.tokenId!, step.expiresAt))) {
      log.warn({ event: 'auth_2fa_failed', reason: 'step_token_reused', context: 'login', userId, ip: clientIp(ctx, deps.trustedProxies) }, 'a used two-factor step token was presented again');
      throw new HttpError(401, 'TOKEN_INVALID', 'this sign-in was already completed; sign in with your password again');
    }
    await guard.succeeded(key);
    clearCookie(ctx, STEP_COOKIE, '/auth/login');
    log.info({ event: 'auth_2fa_succeeded', userId, ip: clientIp(ctx, deps.trustedProxies) }, 'second factor accepted');
    await completeSignIn(ctx, deps, userId);
  });

  return router;
}

/** Records a step token as used; false when it was used before. */
async function useStepToken(pool: SidecarDeps['pool'], jti: string, expiresAt: number): Promise<boolean> {
  await pool.query('DELETE FROM used_step_tokens WHERE expires_at < now()');
  const { rowCount } = await pool.query('INSERT INTO used_step_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING', [jti, expiresAt]);
  return (rowCount ?? 0) > 0;
}

/** A change to the second factor ends every other sign-in (and its access tokens). */
async function signOutOtherDevices(ctx: Context, deps: SidecarDeps, userId: string, reason: string): Promise<number> {
  const refresh = readCookie(ctx, REFRESH_COOKIE);
  const current = refresh ? (await deps.refreshTokens.familyOf(refresh))?.familyId : undefined;
  return deps.refreshTokens.revokeAll(userId, reason, current);
}

function refuseCode(): HttpError {
  return new HttpError(400, 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } });
}

function alreadyEnabled(): HttpError {
  return new HttpError(409, 'TWO_FACTOR_ALREADY_ENABLED', 'two-factor authentication is already on; turn it off first to start again');
}

function notEnabled(): HttpError {
  return new HttpError(409, 'TWO_FACTOR_NOT_ENABLED', 'two-factor authentication is not on');
}
