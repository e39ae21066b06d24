import type { AuthDeps } from '../auth-deps.ts';
import { accountGone } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { findUserById, recordLogin, type UserRow } from '../store/users.ts';

/** A new device (refresh token family) and, for an account, the mark its browser keeps. */
export interface OpenedSignIn {
  refresh: { token: string; familyId: string; expiresAt: Date };
  deviceMark?: string;
}

export interface SignedIn extends OpenedSignIn {
  access: { token: string; expiresIn: number };
  user: UserRow;
}

/**
 * The last step of every way in (password, 2FA, anonymous): a new device for the account
 * and a short-lived access token.
 */
export async function completeSignIn(deps: AuthDeps, userId: string, from: Requester, familyId?: string): Promise<SignedIn> {
  const user = await findUserById(deps.pool, userId);
  if (!user) throw accountGone('INVALID_CREDENTIALS');
  const refresh = await deps.refreshTokens.issue({ userId, familyId, method: user.is_anonymous ? 'anonymous' : 'password', userAgent: from.userAgent, ip: from.ip });
  await recordLogin(deps.pool, userId);
  const deviceMark = user.is_anonymous ? undefined : deps.signInGuard.devices.markFor(from.deviceMark, userId);
  const access = deps.tokens.sign('access', userId, refresh.familyId);
  deps.log.info({ event: 'auth_login_succeeded', userId, ip: from.ip }, 'signed in');
  return { refresh, deviceMark, access, user };
}

/**
 * completeSignIn for a browser that arrives by redirect (the OAuth callback): the same new
 * device, but no access token: the app asks POST /auth/refresh for one.
 */
export async function completeRedirectSignIn(deps: AuthDeps, userId: string, from: Requester, method: 'google'): Promise<OpenedSignIn> {
  const refresh = await deps.refreshTokens.issue({ userId, method, userAgent: from.userAgent, ip: from.ip });
  await recordLogin(deps.pool, userId);
  const deviceMark = deps.signInGuard.devices.markFor(from.deviceMark, userId);
  deps.log.info({ event: 'auth_login_succeeded', userId, method, ip: from.ip }, 'signed in');
  return { refresh, deviceMark };
}
