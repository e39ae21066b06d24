import { createHmac, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../obs/logger.ts';
import { safeEqual } from '../auth/secrets.ts';
import { previousKeys } from '../auth/keys.ts';
import { CSRF_COOKIE, CSRF_HEADER } from './cookies.ts';
import { HttpError } from './errors.ts';

/**
 * CSRF protection for the routes that a cookie authenticates (refresh, logout): an HMAC
 * double-submit token bound to the sign-in (the refresh token's family). The page reads the
 * non-HttpOnly cookie and echoes it in X-CSRF-Token; a forged request from another site can
 * send the cookies but can neither read them nor compute the HMAC. Origin is checked too.
 */
export class CsrfGuard {
  constructor(private readonly key: KeyObject, private readonly allowedOrigins: ReadonlySet<string>, private readonly log: Logger, private readonly enabled: boolean) {}

  issue(familyId: string): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${nonce}.${this.mac(nonce, familyId)}`;
  }

  /** Throws 403 CSRF_INVALID unless the request carries a valid token for this family. */
  check(ctx: Context, familyId: string): void {
    if (!this.enabled) return;
    const origin = ctx.get('origin');
    const header = ctx.get(CSRF_HEADER);
    const cookie = ctx.cookies.get(CSRF_COOKIE) ?? '';
    const [nonce, mac] = header.split('.');
    const valid = (!origin || this.allowedOrigins.has(origin)) && header !== '' && safeEqual(header, decodeURIComponent(cookie)) &&
      nonce !== undefined && mac !== undefined && this.macMatches(mac, nonce, familyId);
    if (!valid) {
      this.log.warn({ event: 'csrf_invalid_token', path: ctx.path, origin: origin || undefined, ip: ctx.state.clientIp as string | undefined }, 'CSRF token missing or invalid');
      throw new HttpError(403, 'CSRF_INVALID', 'the request lacks a valid CSRF token; reload the page');
    }
  }

  private mac(nonce: string, familyId: string, key: KeyObject = this.key): string {
    return createHmac('sha256', key).update(`${nonce}:${familyId}`).digest('base64url');
  }

  /** Tokens issued before a SECRET_KEY rotation stay valid while the old key is kept. */
  private macMatches(mac: string, nonce: string, familyId: string): boolean {
    return [this.key, ...previousKeys(this.key)].some((key) => safeEqual(mac, this.mac(nonce, familyId, key)));
  }
}

/** Requests with a JSON body must say so: a cross-site form cannot send application/json. */
export function requireJson() {
  return async function jsonOnly(ctx: Context, next: Next): Promise<void> {
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) && ctx.request.length && !ctx.is('application/json')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    }
    await next();
  };
}
