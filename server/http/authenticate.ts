import type { Context, Next } from 'koa';
import type { JwtTokens } from '../auth/jwt-tokens.ts';
import { HttpError } from './errors.ts';

export interface AuthState {
  userId?: string;
}

/**
 * Reads `Authorization: Bearer <access token>`. Only an access token passes: a refresh
 * token, a 2FA step token or an ingest ticket is signed with another key and audience. The
 * sign-in it names must still be live: after logout, a device revoke or a password reset its
 * access tokens answer 401 TOKEN_REVOKED at once.
 */
export function requireUser(tokens: JwtTokens) {
  return async function authenticateUser(ctx: Context, next: Next): Promise<void> {
    const header = ctx.get('authorization');
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const check = await tokens.verifyLiveAccess(token);
    if (!check.ok) {
      const message = {
        TOKEN_MISSING: 'sign in first', TOKEN_EXPIRED: 'the access token has expired; refresh it', TOKEN_INVALID: 'the access token is not valid',
        TOKEN_REVOKED: 'this sign-in was ended (signed out, or the password changed); sign in again',
      }[check.code];
      ctx.set('WWW-Authenticate', `Bearer error="${check.code === 'TOKEN_MISSING' ? 'invalid_request' : 'invalid_token'}"`);
      throw new HttpError(401, check.code, message);
    }
    (ctx.state as AuthState).userId = check.userId;
    await next();
  };
}

export function userIdOf(ctx: Context): string {
  const id = (ctx.state as AuthState).userId;
  if (!id) throw new HttpError(401, 'TOKEN_MISSING', 'sign in first');
  return id;
}
