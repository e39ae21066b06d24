import type { Context } from 'koa';
import { findUserById, recordLogin } from '../auth/store/users.ts';
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
  const refresh = await deps.refreshTokens.issue({ userId, familyId, method: user.is_anonymous ? 'anonymous' : 'password', userAgent: ctx.get('user-agent'), ip: clientIp(ctx, deps.trustedProxies) });
  await recordLogin(deps.pool, userId);
  issueCookies(ctx, deps, refresh.token, refresh.familyId, refresh.expiresAt);
  if (!user.is_anonymous) deps.signInGuard.rememberDevice(ctx, userId);
  const access = deps.tokens.sign('access', userId, refresh.familyId);
  deps.log.info({ event: 'auth_login_succeeded', userId, ip: clientIp(ctx, deps.trustedProxies) }, 'signed in');
  ctx.body = { accessToken: access.token, expiresIn: access.expiresIn, user: publicUser(user) };
}

/** The cookies live exactly as long as the refresh token (never past the end of the sign-in). */
export function issueCookies(ctx: Context, deps: SidecarDeps, refreshToken: string, familyId: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  setCookie(ctx, REFRESH_COOKIE, refreshToken, { httpOnly: true, path: '/auth', maxAgeSeconds: maxAge });
  setCookie(ctx, CSRF_COOKIE, deps.csrf.issue(familyId), { httpOnly: false, path: '/', maxAgeSeconds: maxAge });
}

export function clearSignInCookies(ctx: Context): void {
  clearCookie(ctx, REFRESH_COOKIE, '/auth');
  clearCookie(ctx, CSRF_COOKIE, '/');
}
