import type { UserRow } from '../auth/store/users.ts';

/** What the API shows of an account. */
export function publicUser(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    emailVerified: user.email_verified_at !== null,
    twoFactorEnabled: user.totp_enabled,
    isAnonymous: user.is_anonymous,
    createdAt: user.created_at.toISOString(),
  };
}
