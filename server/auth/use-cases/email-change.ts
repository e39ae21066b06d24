import { emailChangeMail, emailChangedMail, emailChangeTakenMail, passwordResetMail, securityNoticeMail } from '../../email/templates.ts';
import { mailedLink, type AuthDeps } from '../auth-deps.ts';
import { AuthError, linkError } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { consumeOneTimeToken, createOneTimeToken, revokeAllOneTimeTokens, revokeOneTimeTokens } from '../store/one-time-tokens.ts';
import { findUserByEmail, setProvenEmail } from '../store/users.ts';
import { RESET_MINUTES } from './password.ts';
import { reauthenticate } from './reauthenticate.ts';

const CONFIRM_MINUTES = 24 * 60;
const UNDO_MINUTES = 7 * 24 * 60;

/**
 * Changing an account's email without letting a thief (or a squatter) take the account:
 *  1. request: the password (and 2FA code) and only a link mailed to the new address;
 *     nothing changes yet, and the old address hears of the request. The outcome is the
 *     same whether or not the new address is taken.
 *  2. confirm, with the link's token, moves the account: the new address is proven. Every
 *     other mailed link dies; the old address gets an undo link.
 *  3. undo puts the old address back, signs out every device and mails a password reset
 *     link to it.
 */
export async function requestEmailChange(deps: AuthDeps, userId: string, input: { email: string; password?: string; code?: string }, from: Requester): Promise<void> {
  const { pool } = deps;
  // The password is optional: an account made through Google confirms with a fresh Google
  // sign-in instead (reauthenticate says which it needs).
  const user = await reauthenticate(deps, userId, input, 'email_change', from);
  if (user.email.toLowerCase() === input.email.toLowerCase()) throw new AuthError('invalid', 'EMAIL_UNCHANGED', 'this is already the account\'s email', { fields: { email: 'unchanged' } });
  const taken = await findUserByEmail(pool, input.email);
  if (taken) {
    await deps.mailer.send(emailChangeTakenMail(input.email));
  } else {
    await revokeOneTimeTokens(pool, userId, 'email_change');
    const value = await createOneTimeToken(pool, { userId, purpose: 'email_change', ttlMinutes: CONFIRM_MINUTES, email: input.email, previousEmail: user.email });
    await deps.mailer.send(emailChangeMail(input.email, mailedLink(deps, 'confirm-email', value)));
  }
  await deps.mailer.send(securityNoticeMail(user.email, `a change of the account's email to ${input.email} was asked for; it happens only if the link sent there is opened`));
  deps.log.info({ event: 'auth_email_change_requested', userId, ip: from.ip }, 'email change requested');
}

/** Returns the account's new email. */
export async function confirmEmailChange(deps: AuthDeps, token: string, from: Requester): Promise<string> {
  const { pool } = deps;
  const used = await consumeOneTimeToken(pool, token, 'email_change');
  if (!used.ok) throw linkError(used.code, 'email change');
  const previous = used.previousEmail!;
  if (!(await setProvenEmail(pool, used.userId, used.email))) {
    throw new AuthError('conflict', 'EMAIL_TAKEN', 'another account took this address meanwhile', { fields: { email: 'taken' } });
  }
  await revokeAllOneTimeTokens(pool, used.userId, false);
  const undo = await createOneTimeToken(pool, { userId: used.userId, purpose: 'email_change_undo', ttlMinutes: UNDO_MINUTES, email: previous, previousEmail: used.email });
  await deps.mailer.send(emailChangedMail(previous, used.email, mailedLink(deps, 'undo-email', undo)));
  deps.log.info({ event: 'auth_email_changed', userId: used.userId, ip: from.ip }, 'email changed');
  return used.email;
}

/** Returns the restored email and how many devices were signed out. */
export async function undoEmailChange(deps: AuthDeps, token: string, from: Requester): Promise<{ email: string; devicesSignedOut: number }> {
  const { pool } = deps;
  const used = await consumeOneTimeToken(pool, token, 'email_change_undo');
  if (!used.ok) throw linkError(used.code, 'email change');
  if (!(await setProvenEmail(pool, used.userId, used.email))) {
    throw new AuthError('conflict', 'EMAIL_TAKEN', 'another account uses this address now', { fields: { email: 'taken' } });
  }
  // Whoever moved the address may hold sessions and the password: end all of them and
  // send the owner a way to choose a new password.
  await revokeAllOneTimeTokens(pool, used.userId, false);
  const devices = await deps.refreshTokens.revokeAll(used.userId, 'email_change_undone');
  const reset = await createOneTimeToken(pool, { userId: used.userId, purpose: 'password_reset', ttlMinutes: RESET_MINUTES, email: used.email });
  await deps.mailer.send(passwordResetMail(used.email, mailedLink(deps, 'reset', reset)));
  deps.log.warn({ event: 'auth_email_change_undone', userId: used.userId, devicesSignedOut: devices, ip: from.ip }, 'email change undone by the old address');
  return { email: used.email, devicesSignedOut: devices };
}
