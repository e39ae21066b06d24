import type { AuthDeps } from '../auth-deps.ts';
import { AuthError } from '../errors.ts';
import type { Requester } from '../requester.ts';

export interface Refreshed {
  refresh: { token: string; familyId: string; expiresAt: Date };
  access: { token: string; expiresIn: number };
}

/**
 * Rotates the browser's refresh token (`from.refreshToken`, which must be present) for a
 * new one and a new access token. `checkCsrf` runs once the token's device is known. A spent
 * token presented again signs the device out (someone else may hold the newer one).
 */
export async function refreshSignIn(deps: AuthDeps, token: string, from: Requester, checkCsrf: (familyId: string) => void): Promise<Refreshed> {
  const family = await deps.refreshTokens.familyOf(token);
  if (family) checkCsrf(family.familyId);
  const result = await deps.refreshTokens.rotate(token, { userAgent: from.userAgent, ip: from.ip });
  if (!result.ok) {
    if (result.code === 'REFRESH_REUSED') {
      deps.log.warn({ event: 'refresh_token_reuse_detected', userId: result.userId, familyId: result.familyId, ip: from.ip }, 'a spent refresh token was presented again: the device is signed out');
    }
    throw new AuthError('unauthenticated', result.code, result.code === 'REFRESH_REUSED' ? 'this sign-in was revoked for your safety; sign in again' : 'sign in again');
  }
  const access = deps.tokens.sign('access', result.userId, result.familyId);
  return { refresh: { token: result.token, familyId: result.familyId, expiresAt: result.expiresAt }, access };
}
