import type { AuthDeps } from '../auth-deps.ts';
import type { AttemptKey } from '../sign-in-guard.ts';
import { AuthError, accountGone } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { findUserById, type UserRow } from '../store/users.ts';

/** How recent a Google sign-in must be to stand in for the password of an account without one. */
export const PROVIDER_REAUTH_MINUTES = 10;

/**
 * Re-authentication before a sensitive change (email, password, 2FA setup/enable/disable,
 * backup codes): an access token alone, stolen from a page or a log, must not be enough to
 * make itself permanent. Wrong passwords and codes count toward the same throttle as
 * sign-in attempts. Returns the account, which has an email (anonymous typists have none).
 */
export async function reauthenticate(deps: AuthDeps, userId: string, input: { password?: string; code?: string }, context: string, from: Requester): Promise<UserRow & { email: string }> {
  const user = await findUserById(deps.pool, userId);
  if (!user) throw accountGone();
  if (user.is_anonymous || !user.email) throw new AuthError('forbidden', 'ACCOUNT_REQUIRED', 'register an account first (your sessions come with you)');
  const guard = deps.signInGuard;
  const key = guard.keyFor(from, user.email, user.id);
  if (!user.password_hash) {
    // An account made through Google proves itself with a fresh Google sign-in on this device.
    const signIn = from.refreshToken ? await deps.refreshTokens.signInOf(from.refreshToken) : undefined;
    if (!signIn || signIn.method !== 'google' || signIn.ageSeconds > PROVIDER_REAUTH_MINUTES * 60) {
      throw new AuthError('invalid', 'REAUTH_WITH_PROVIDER', `this account has no password: sign in with Google again (then you have ${PROVIDER_REAUTH_MINUTES} minutes), or set a password with "forgot password"`);
    }
    await checkCode(deps, user.id, key, input.code, context, from);
    await guard.succeeded(key);
    return user as UserRow & { email: string };
  }
  const password = input.password;
  if (!password) throw new AuthError('invalid', 'PASSWORD_REQUIRED', 'enter your password to confirm it is you', { fields: { password: 'required' } });
  await guard.check(from, key, { userId, context, event: 'auth_reauth_failed' }, () => deps.hasher.verify(password, user.password_hash),
    () => new AuthError('invalid', 'INVALID_CREDENTIALS', 'the password is wrong', { fields: { password: 'wrong password' } }));
  await checkCode(deps, userId, key, input.code, context, from);
  await guard.succeeded(key);
  return user as UserRow & { email: string };
}

/** The 2FA code, when 2FA is on; wrong ones count toward the throttle. */
async function checkCode(deps: AuthDeps, userId: string, key: AttemptKey, code: string | undefined, context: string, from: Requester): Promise<void> {
  if (!(await deps.secondFactor.isEnabled(userId))) return;
  if (!code) throw new AuthError('invalid', 'TWO_FACTOR_REQUIRED', 'enter the code from your authenticator app or a backup code', { fields: { code: 'required' } });
  await deps.signInGuard.check(from, key, { userId, context, event: 'auth_2fa_failed' }, () => deps.secondFactor.verify(userId, code),
    () => new AuthError('invalid', 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } }));
}
