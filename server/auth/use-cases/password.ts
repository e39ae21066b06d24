import { passwordResetMail, securityNoticeMail } from '../../email/templates.ts';
import { mailedLink, type AuthDeps } from '../auth-deps.ts';
import { AuthError, linkError, weakPassword } from '../errors.ts';
import { passwordProblem } from '../passwords.ts';
import type { Requester } from '../requester.ts';
import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken, revokeAllOneTimeTokens, revokeOneTimeTokens } from '../store/one-time-tokens.ts';
import { findUserByEmail, findUserById, markEmailVerified, setPassword } from '../store/users.ts';
import { signOutOtherDevices } from './devices.ts';
import { reauthenticate } from './reauthenticate.ts';

export const RESET_MINUTES = 60;

/** Mails a reset link when the address has an account; the caller learns nothing either way. */
export async function forgotPassword(deps: AuthDeps, email: string, from: Requester): Promise<void> {
  const user = await findUserByEmail(deps.pool, email);
  if (!user?.email || user.is_anonymous) return;
  await revokeOneTimeTokens(deps.pool, user.id, 'password_reset');
  const value = await createOneTimeToken(deps.pool, { userId: user.id, purpose: 'password_reset', ttlMinutes: RESET_MINUTES, email: user.email });
  await deps.mailer.send(passwordResetMail(user.email, mailedLink(deps, 'reset', value)));
  deps.log.info({ event: 'auth_password_reset_requested', userId: user.id, ip: from.ip }, 'password reset link sent');
}

/** A new password through a mailed link (and the 2FA code when 2FA is on); every device signs out. */
export async function resetPassword(deps: AuthDeps, input: { token: string; password: string; code?: string }, from: Requester): Promise<void> {
  const { pool } = deps;
  // Checked before the link is used up, so a mistyped 2FA code does not burn the link.
  const peeked = await peekOneTimeToken(pool, input.token, 'password_reset');
  if (!peeked.ok) throw linkError(peeked.code, 'reset');
  const user = await findUserById(pool, peeked.userId);
  if (!user?.email) throw linkError('TOKEN_INVALID', 'reset');
  const weak = passwordProblem(input.password, user.email);
  if (weak) throw weakPassword(weak, 'password');
  if (await deps.secondFactor.isEnabled(user.id)) {
    const code = input.code;
    if (!code) throw new AuthError('invalid', 'TWO_FACTOR_REQUIRED', 'enter the code from your authenticator app or a backup code', { fields: { code: 'required' } });
    // Wrong codes here count toward the same throttle as at sign-in.
    const guard = deps.signInGuard;
    const key = guard.keyFor(from, user.email, user.id);
    await guard.check(from, key, { userId: user.id, context: 'password_reset', event: 'auth_2fa_failed' }, () => deps.secondFactor.verify(user.id, code),
      () => new AuthError('invalid', 'TWO_FACTOR_INVALID', 'that code is not valid'));
    await guard.succeeded(key);
  }
  const consumed = await consumeOneTimeToken(pool, input.token, 'password_reset');
  if (!consumed.ok) throw linkError(consumed.code, 'reset');
  await setPassword(pool, user.id, await deps.hasher.hash(input.password));
  await markEmailVerified(pool, user.id); // the link, bound to this address, proved it
  await revokeAllOneTimeTokens(pool, user.id, true);
  const devices = await deps.refreshTokens.revokeAll(user.id, 'password_reset');
  deps.log.info({ event: 'auth_password_reset', userId: user.id, devicesSignedOut: devices, ip: from.ip }, 'password reset');
  await deps.mailer.send(securityNoticeMail(user.email, 'the password was reset and every device signed out'));
}

/** Returns how many other devices were signed out (this one stays signed in). */
export async function changePassword(deps: AuthDeps, userId: string, input: { currentPassword: string; code?: string; newPassword: string }, from: Requester): Promise<number> {
  const user = await reauthenticate(deps, userId, { password: input.currentPassword, code: input.code }, 'change_password', from).catch((error: unknown) => {
    // The form's field is currentPassword.
    if (error instanceof AuthError && error.code === 'INVALID_CREDENTIALS') throw new AuthError('invalid', 'INVALID_CREDENTIALS', 'the current password is wrong', { fields: { currentPassword: 'wrong password' } });
    throw error;
  });
  const weak = passwordProblem(input.newPassword, user.email);
  if (weak) throw weakPassword(weak, 'newPassword');
  await setPassword(deps.pool, userId, await deps.hasher.hash(input.newPassword));
  await revokeAllOneTimeTokens(deps.pool, userId, true);
  const others = await signOutOtherDevices(deps, userId, 'password_changed', from);
  deps.log.info({ event: 'auth_password_changed', userId, otherDevicesSignedOut: others, ip: from.ip }, 'password changed');
  await deps.mailer.send(securityNoticeMail(user.email, 'the password was changed'));
  return others;
}
