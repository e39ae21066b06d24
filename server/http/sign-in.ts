import type { Context } from 'koa';
import type { OpenedSignIn, SignedIn } from '../auth/use-cases/sign-in.ts';
import { CSRF_COOKIE, REFRESH_COOKIE, clearCookie, setCookie } from './cookies.ts';
import type { CsrfGuard } from './csrf.ts';
import { publicUser } from './public-user.ts';
import { DEVICE_COOKIE } from './requester.ts';

const DEVICE_DAYS = 365;

/**
 * The answer to every way in (password, 2FA, anonymous): the new device's refresh token in
 * an HttpOnly cookie scoped to /auth, its CSRF token in a readable cookie, and the
 * short-lived access token in the body for the Authorization header.
 */
export function answerSignIn(ctx: Context, deps: { csrf: CsrfGuard }, signedIn: SignedIn): void {
  setSignInCookies(ctx, deps, signedIn);
  ctx.body = { accessToken: signedIn.access.token, expiresIn: signedIn.access.expiresIn, user: publicUser(signedIn.user) };
}

/** The sign-in cookies, and the device mark that lets this browser past the account ceiling. */
export function setSignInCookies(ctx: Context, deps: { csrf: CsrfGuard }, opened: OpenedSignIn): void {
  issueCookies(ctx, deps, opened.refresh.token, opened.refresh.familyId, opened.refresh.expiresAt);
  if (opened.deviceMark) setCookie(ctx, DEVICE_COOKIE, opened.deviceMark, { httpOnly: true, path: '/auth', maxAgeSeconds: DEVICE_DAYS * 86_400 });
}

/** The cookies live exactly as long as the refresh token (never past the end of the sign-in). */
export function issueCookies(ctx: Context, deps: { csrf: CsrfGuard }, refreshToken: string, familyId: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  setCookie(ctx, REFRESH_COOKIE, refreshToken, { httpOnly: true, path: '/auth', maxAgeSeconds: maxAge });
  setCookie(ctx, CSRF_COOKIE, deps.csrf.issue(familyId), { httpOnly: false, path: '/', maxAgeSeconds: maxAge });
}

export function clearSignInCookies(ctx: Context): void {
  clearCookie(ctx, REFRESH_COOKIE, '/auth');
  clearCookie(ctx, CSRF_COOKIE, '/');
}
