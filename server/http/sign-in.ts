import type { Context } from 'koa';
import { findUserById, recordLogin } from '../db/users.ts';
import { CSRF_COOKIE, REFRESH_COOKIE, clearCookie, setCookie } from './cookies.ts';
import { clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import { publicUser } from './public-user.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * The last step of every way in (password, 2FA, Google): a new device (refresh token family)
 * in an HttpOnly cookie scoped to /auth, its CSRF token in a readable cookie, and a
 * short-lived access token in the body for the Authorization header.
 */
export async function completeSignIn(ctx: Context, deps: SidecarDeps, userId: string, familyId?: string): Promise<void> {
  const user = await findUserById(deps.pool, userId);
  if (!user) throw new HttpError(401, 'INVALID_CREDENTIALS', 'the account no longer exists');
  const refresh = await deps.refreshTokens.issue({ userId, familyId, userAgent: ctx.get('user-agent'), ip: clientIp(ctx, deps.trustedProxies) });
  await recordLogin(deps.pool, userId);
  issueCookies(ctx, deps, refresh.token, refresh.familyId);
  const access = deps.tokens.sign('access', userId);
  deps.log.info({ event: 'auth_login_succeeded', userId }, 'signed in');
  ctx.body = { accessToken: access.token, expiresIn: access.expiresIn, user: publicUser(user) };
}

export function issueCookies(ctx: Context, deps: SidecarDeps, refreshToken: string, familyId: string): void {
  const maxAge = deps.config.security.refreshTokenDays * 86_400;
  setCookie(ctx, REFRESH_COOKIE, refreshToken, { httpOnly: true, path: '/auth', maxAgeSeconds: maxAge });
  setCookie(ctx, CSRF_COOKIE, deps.csrf.issue(familyId), { httpOnly: false, path: '/', maxAgeSeconds: maxAge });
}

export function clearSignInCookies(ctx: Context): void {
  clearCookie(ctx, REFRESH_COOKIE, '/auth');
  clearCookie(ctx, CSRF_COOKIE, '/');
}
