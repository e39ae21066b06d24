import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { hashBackupCode, verifyTotp } from '../auth/second-factor.ts';
import { encryptSecret } from '../auth/totp-crypto.ts';
import { newBackupCodes, newTotpSecret, otpauthUri } from '../auth/two-factor-setup.ts';
import { lockIfExhausted, reserveAttempt, type LockoutPolicy } from '../db/login-attempts.ts';
import { deleteSecondFactor, enableWithBackupCodes, replaceBackupCodes, saveUnconfirmedSecret, totpState } from '../db/totp-store.ts';
import { findUserById } from '../db/users.ts';
import { clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import { AUTH_RULES, rateLimit, type RateRule } from './rate-limit.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { completeSignIn } from './sign-in.ts';
import { parseInput } from './validation.ts';
import { bodyOf } from './body.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

const code = z.string().trim().min(1).max(32);
// Code checks on a signed-in account are limited per account, not per IP: a stolen access
// token must not buy unlimited guesses at the code that guards the backup codes.
const SETTINGS_RULE: RateRule = { ...AUTH_RULES.twoFactor, name: 'two_factor_settings' };

/**
 * TOTP two-factor authentication: setup (secret for the QR code), enable with a first code
 * (and 10 backup codes, shown once), regenerate backup codes, disable, and the second step
 * of a login, which takes the step token from POST /auth/login and a code.
 */
export function twoFactorRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth' });
  const { log, config, pool, keys } = deps;
  const limits = config.security.authRateLimit;
  const perIp = rateLimit(deps.limiter, AUTH_RULES.twoFactor, log, (ctx) => clientIp(ctx, deps.trustedProxies), limits);
  const perAccount = rateLimit(deps.limiter, SETTINGS_RULE, log, (ctx) => userIdOf(ctx), limits);
  const signedIn = requireUser(deps.tokens);
  const policy: LockoutPolicy = { maxAttempts: config.security.maxLoginAttempts, lockMinutes: config.security.lockoutMinutes, resetMinutes: config.security.lockoutResetMinutes };
  const refuseCode = (userId: string, context: string): HttpError => {
    log.info({ event: 'auth_2fa_failed', reason: 'wrong_code', context, userId }, 'two-factor code refused');
    return new HttpError(400, 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } });
  };

  router.post('/2fa/setup', signedIn, async (ctx) => {
    const userId = userIdOf(ctx);
    const user = await findUserById(pool, userId);
    if (!user?.email || user.is_anonymous) throw new HttpError(403, 'ACCOUNT_REQUIRED', 'register an account before turning on two-factor authentication');
    const secret = newTotpSecret();
    if (!(await saveUnconfirmedSecret(pool, userId, encryptSecret(keys.key('totp-encryption'), secret)))) throw alreadyEnabled();
    log.info({ event: 'auth_2fa_setup_started', userId }, 'two-factor setup started');
    noStore(ctx);
    ctx.body = { secret, otpauthUri: otpauthUri(secret, user.email) };
  });

  router.post('/2fa/enable', signedIn, perAccount, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(z.object({ code }), bodyOf(ctx));
    const state = await totpState(pool, userId);
    if (state.kind === 'enabled') throw alreadyEnabled();
    if (state.kind === 'none') throw new HttpError(409, 'TWO_FACTOR_NOT_SET_UP', 'start the setup first');
    // Not yet enabled, so only the TOTP check applies; it records the step, so this code
    // cannot be replayed at the login that follows.
    if (!(await verifyTotp(pool, keys, userId, input.code.replace(/\s/g, ''), false))) throw refuseCode(userId, 'enable');
    const backupCodes = newBackupCodes();
    if (!(await enableWithBackupCodes(pool, userId, state.secretEncrypted, backupCodes.map(hashBackupCode)))) {
      throw new HttpError(409, 'TWO_FACTOR_SETUP_CHANGED', 'the setup was restarted meanwhile; scan the new QR code');
    }
    log.info({ event: 'auth_2fa_enabled', userId }, 'two-factor authentication enabled');
    noStore(ctx);
    ctx.body = { enabled: true, backupCodes };
  });

  router.post('/2fa/backup-codes', signedIn, perAccount, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(z.object({ code }), bodyOf(ctx));
    if (!(await deps.secondFactor.isEnabled(userId))) throw notEnabled();
    if (!(await deps.secondFactor.verify(userId, input.code))) throw refuseCode(userId, 'backup_codes');
    const backupCodes = newBackupCodes();
    if (!(await replaceBackupCodes(pool, userId, backupCodes.map(hashBackupCode)))) throw notEnabled();
    log.info({ event: 'auth_2fa_backup_codes_regenerated', userId }, 'backup codes replaced');
    noStore(ctx);
    ctx.body = { backupCodes };
  });

  router.post('/2fa/disable', signedIn, perAccount, async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(z.object({ password: z.string().min(1).max(1024), code }), bodyOf(ctx));
    if (!(await deps.secondFactor.isEnabled(userId))) throw notEnabled();
    const user = await findUserById(pool, userId);
    if (!user?.password_hash) {
      throw new HttpError(400, 'PASSWORD_NOT_SET', 'this account has no password yet; set one with "forgot password" first', { fields: { password: 'not set' } });
    }
    // The password first: a wrong one must not use up a code.
    if (!(await deps.hasher.verify(input.password, user.password_hash))) {
      log.info({ event: 'auth_2fa_failed', reason: 'wrong_password', context: 'disable', userId }, 'two-factor disable refused');
      throw new HttpError(400, 'INVALID_CREDENTIALS', 'the password is wrong', { fields: { password: 'wrong password' } });
    }
    if (!(await deps.secondFactor.verify(userId, input.code))) throw refuseCode(userId, 'disable');
    await deleteSecondFactor(pool, userId);
    log.info({ event: 'auth_2fa_disabled', userId }, 'two-factor authentication disabled');
    ctx.body = { disabled: true };
  });

  // Step two of a login. The step token only says "this password was right a moment ago";
  // it has its own key and audience, so it opens nothing else, and no other token opens this.
  // Wrong codes count against the account's lockout like wrong passwords, so guessing is
  // bounded per account as well as per IP.
  router.post('/login/2fa', perIp, async (ctx) => {
    const input = parseInput(z.object({ twoFactorToken: z.string().min(1).max(4096), code }), bodyOf(ctx));
    const step = deps.tokens.verify('login-2fa', input.twoFactorToken);
    if (!step.ok) {
      const expired = step.code === 'TOKEN_EXPIRED';
      log.info({ event: 'auth_2fa_failed', reason: expired ? 'step_token_expired' : 'step_token_invalid', context: 'login' }, 'two-factor step token refused');
      throw new HttpError(401, step.code, expired ? 'the sign-in took too long; enter your password again' : 'sign in with your password first');
    }
    const userId = step.userId;
    const attempt = await reserveAttempt(pool, userId, policy);
    if (!attempt.allowed) throw locked(ctx, attempt.lockedUntil);
    if (!(await deps.secondFactor.verify(userId, input.code))) {
      const lockedUntil = await lockIfExhausted(pool, userId, attempt.attempt, policy);
      log.info({ event: 'auth_2fa_failed', reason: 'wrong_code', context: 'login', userId, attempt: attempt.attempt }, 'two-factor code refused');
      if (lockedUntil) {
        log.warn({ event: 'auth_lockout_triggered', userId, attempts: attempt.attempt, lockedUntil: lockedUntil.toISOString() }, 'account locked after failed two-factor codes');
        throw locked(ctx, lockedUntil);
      }
      throw new HttpError(401, 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } });
    }
    log.info({ event: 'auth_2fa_succeeded', userId }, 'second factor accepted');
    await completeSignIn(ctx, deps, userId);
  });

  return router;
}

function alreadyEnabled(): HttpError {
  return new HttpError(409, 'TWO_FACTOR_ALREADY_ENABLED', 'two-factor authentication is already on; turn it off first to start again');
}

function notEnabled(): HttpError {
  return new HttpError(409, 'TWO_FACTOR_NOT_ENABLED', 'two-factor authentication is not on');
}

/** Secrets and backup codes are shown once and must not sit in any cache. */
function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}

function locked(ctx: Context, until: Date | null): HttpError {
  const seconds = until ? Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)) : 60;
  ctx.set('Retry-After', String(seconds));
  return new HttpError(423, 'AUTH_LOCKED', `too many failed attempts; the account is locked for ${Math.ceil(seconds / 60)} min`, { retryAfterSeconds: seconds });
}
