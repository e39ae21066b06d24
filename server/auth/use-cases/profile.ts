import type { AuthDeps } from '../auth-deps.ts';
import { AuthError, accountGone } from '../errors.ts';
import { findUserById, updateProfile as storeProfile, type UserRow } from '../store/users.ts';

export async function profileOf(deps: AuthDeps, userId: string): Promise<UserRow> {
  const user = await findUserById(deps.pool, userId);
  if (!user) throw accountGone();
  return user;
}

/** The display name changes here; the email only through the email change (it must be proven). */
export async function updateProfile(deps: AuthDeps, userId: string, input: { displayName?: string; email?: string }): Promise<UserRow> {
  if (input.email !== undefined) {
    const before = await findUserById(deps.pool, userId);
    if (before?.is_anonymous) throw new AuthError('forbidden', 'ACCOUNT_REQUIRED', 'register an account to have an email (your sessions come with you)');
    if (before?.email?.toLowerCase() !== input.email.toLowerCase()) {
      throw new AuthError('invalid', 'EMAIL_CHANGE_NEEDS_CONFIRMATION', 'change the email with POST /auth/email-change: it asks for your password and a link mailed to the new address', { fields: { email: 'use the email change form' } });
    }
  }
  const user = await storeProfile(deps.pool, userId, { displayName: input.displayName });
  if (!user) throw accountGone();
  return user;
}
