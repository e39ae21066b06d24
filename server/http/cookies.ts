import type { Context } from 'koa';

export const REFRESH_COOKIE = 'ff_refresh';
export const CSRF_COOKIE = 'ff_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Strict unless a cookie must come back on a cross-site top-level navigation: the OAuth
 * browser binding returns with the provider's redirect, which Strict would drop.
 */
export type SameSite = 'Strict' | 'Lax';

/**
 * Cookies written by hand: Koa refuses `Secure` cookies on plain-HTTP requests, and behind
 * Traefik (TLS terminated there) or on http://localhost (a secure context for browsers)
 * we want them Secure anyway.
 */
export function setCookie(ctx: Context, name: string, value: string, options: { httpOnly: boolean; path: string; maxAgeSeconds: number; sameSite?: SameSite }): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'Secure', `SameSite=${options.sameSite ?? 'Strict'}`];
  if (options.httpOnly) parts.push('HttpOnly');
  ctx.append('Set-Cookie', parts.join('; '));
}

export function clearCookie(ctx: Context, name: string, path: string, sameSite: SameSite = 'Strict'): void {
  ctx.append('Set-Cookie', `${name}=; Path=${path}; Max-Age=0; Secure; SameSite=${sameSite}`);
}

export function readCookie(ctx: Context, name: string): string | undefined {
  const header = ctx.get('cookie');
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
