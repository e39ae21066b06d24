import type { Context } from 'koa';
import { z } from 'zod';
import { findUserById, type UserRow } from '../store/users.ts';
import { HttpError } from '../../http/errors.ts';
import { REFRESH_COOKIE, readCookie } from '../../http/cookies.ts';

/** How recent a Google sign-in must be to stand in for the password of an account without one. */
export const PROVIDER_REAUTH_MINUTES = 10;
import type { SidecarDeps } from '../../http/sidecar-deps.ts';

/** The fields every sensitive change asks for: the password, and the code when 2FA is on. */
export const reauthFields = {
  password: z.string().min(1).max(1024),
  code: z.string().trim().min(1).max(32).optional(),
};

/**
 * Re-authentication before a sensitive change (email, password, 2FA setup/enable/disable,
 * backup codes): an access token alone, stolen from a page or a log, must not be enough to
 * make itself permanent. Wrong passwords and codes count toward the same throttle as
 * sign-in attempts. Returns the account, which has an email (anonymous typists have none).
 */
export async function reauthenticate(ctx: Context, deps: SidecarDeps, userId: string, input: { password?: string; code?: string }, context: string): Promise<UserRow & { email: string }> {
  const user = await findUserById(deps.pool, userId);
  if (!user) throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
  if (user.is_anonymous || !user.email) throw new HttpError(403, 'ACCOUNT_REQUIRED', 'register an account first (your sessions come with you)');
  const guard = deps.signInGuard;
  const key = guard.keyFor(ctx, user.email, user.id);
  if (!user.password_hash) {
    // An account made through Google proves itself with a fresh Google sign-in on this device.
    const refresh = readCookie(ctx, REFRESH_COOKIE);
    const signIn = refresh ? await deps.refreshTokens.signInOf(refresh) : undefined;
    if (!signIn || signIn.method !== 'google' || signIn.ageSeconds > PROVIDER_REAUTH_MINUTES * 60) {
      throw new HttpError(400, 'REAUTH_WITH_PROVIDER', `this account has no password: sign in with Google again (then you have ${PROVIDER_REAUTH_MINUTES} minutes), or set a password with "forgot password"`);
    }
    await checkCode(ctx, deps, user.id, key, input.code, context);
    await guard.succeeded(key);
    return user as UserRow & { email: string };
  }
  const password = input.password;
  if (!password) throw new HttpError(400, 'PASSWORD_REQUIRED', 'enter your password to confirm it is you', { fields: { password: 'required' } });
  await guard.check(ctx, key, { userId, context, event: 'auth_reauth_failed' }, () => deps.hasher.verify(password, user.password_hash),
    () => new HttpError(400, 'INVALID_CREDENTIALS', 'the password is wrong', { fields: { password: 'wrong password' } }));
  await checkCode(ctx, deps, userId, key, input.code, context);
  await guard.succeeded(key);
  return user as UserRow & { email: string };
}

/** The 2FA code, when 2FA is on; wrong ones count toward the throttle. */
async function checkCode(ctx: Context, deps: SidecarDeps, userId: string, key: ReturnType<SidecarDeps['signInGuard']['keyFor']>, code: string | undefined, context: string): Promise<void> {
  if (!(await deps.secondFactor.isEnabled(userId))) return;
  if (!code) throw new HttpError(400, 'TWO_FACTOR_REQUIRED', 'enter the code from your authenticator app or a backup code', { fields: { code: 'required' } });
  await deps.signInGuard.check(ctx, key, { userId, context, event: 'auth_2fa_failed' }, () => deps.secondFactor.verify(userId, code),
    () => new HttpError(400, 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } }));
}
