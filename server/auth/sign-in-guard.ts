import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { safeEqual } from './secrets.ts';
import { recordFailure, recordSuccess, reserveAttempt, type AttemptKey, type ThrottlePolicy } from './store/sign-in-throttle.ts';
import { addressGroup, clientIp } from '../http/client-ip.ts';
import { readCookie, setCookie } from '../http/cookies.ts';
import { HttpError } from '../http/errors.ts';
import { waitText } from '../http/rate-limit.ts';
import type { SidecarDeps } from '../http/sidecar-deps.ts';

/** Marks a browser that signed in to an account before: its attempts pass the account ceiling. */
export const DEVICE_COOKIE = 'ff_device';
const DEVICE_DAYS = 365;

/**
 * Every check of a secret (password at login, 2FA code at login or password reset, password
 * and code when re-authenticating in the settings) goes through here, so all of them count
 * toward the same per-(account, source) throttle: see db/sign-in-throttle.ts and DEPLOY.md.
 */
export class SignInGuard {
  private readonly policy: ThrottlePolicy;

  constructor(private readonly deps: SidecarDeps) {
    const s = deps.config.security;
    this.policy = { maxAttempts: s.maxLoginAttempts, lockMinutes: s.lockoutMinutes, resetMinutes: s.lockoutResetMinutes, accountCeiling: s.signInAccountCeiling };
  }

  keyFor(ctx: Context, email: string, userId: string | undefined): AttemptKey {
    const emailKey = email.trim().toLowerCase();
    const device = userId ? this.recognisedDevice(ctx, userId) : undefined;
    if (device) return { emailKey, source: `device:${device}`, recognised: true };
    return { emailKey, source: `ip:${addressGroup(clientIp(ctx, this.deps.trustedProxies))}`, recognised: false };
  }

  /**
   * Runs `check` (a password or code comparison) if this source may try now. A refusal
   * answers 423 AUTH_LOCKED with Retry-After; a failed check is counted and may block the
   * source. The caller decides what a failure answers (`failure`).
   */
  async check(ctx: Context, key: AttemptKey, meta: { userId?: string; context: string; event: 'auth_login_failed' | 'auth_2fa_failed' | 'auth_reauth_failed' }, check: () => Promise<boolean>, failure: () => HttpError): Promise<void> {
    const log = this.deps.log;
    const reservation = await reserveAttempt(this.deps.pool, key, this.policy);
    if (!reservation.allowed) {
      log.warn({ event: 'auth_throttled', context: meta.context, userId: meta.userId, ip: clientIp(ctx, this.deps.trustedProxies), source: key.source.split(':')[0] }, 'sign-in attempt refused while throttled');
      throw this.locked(ctx, reservation.retryAfterSeconds);
    }
    if (await check()) return;
    const wait = await recordFailure(this.deps.pool, key, reservation.attempt, this.policy);
    const ip = clientIp(ctx, this.deps.trustedProxies);
    log.info({ event: meta.event, context: meta.context, userId: meta.userId, ip, attempt: reservation.attempt }, 'a password or code was refused');
    if (wait !== undefined) {
      log.warn({ event: 'auth_lockout_triggered', context: meta.context, userId: meta.userId, ip, attempts: reservation.attempt, retryAfterSeconds: wait }, 'source throttled after failed attempts');
      throw this.locked(ctx, wait);
    }
    throw failure();
  }

  /** Forgets this source's failures; called once a sign-in is complete. */
  async succeeded(key: AttemptKey): Promise<void> {
    await recordSuccess(this.deps.pool, key);
  }

  /** After a completed sign-in: this browser is now recognised for the account. */
  rememberDevice(ctx: Context, userId: string): void {
    const existing = this.recognisedDevice(ctx, userId);
    const id = existing ?? randomBytes(16).toString('base64url');
    setCookie(ctx, DEVICE_COOKIE, `${id}.${this.mac(id, userId)}`, { httpOnly: true, path: '/auth', maxAgeSeconds: DEVICE_DAYS * 86_400 });
  }

  private recognisedDevice(ctx: Context, userId: string): string | undefined {
    const [id, mac] = (readCookie(ctx, DEVICE_COOKIE) ?? '').split('.');
    return id && mac && safeEqual(mac, this.mac(id, userId)) ? id : undefined;
  }

  private mac(id: string, userId: string): string {
    return createHmac('sha256', this.deps.keys.key('device')).update(`${id}:${userId}`).digest('base64url');
  }

  private locked(ctx: Context, seconds: number): HttpError {
    ctx.set('Retry-After', String(seconds));
    return new HttpError(423, 'AUTH_LOCKED', `too many failed attempts from this device or network; try again in ${waitText(seconds)}`, { retryAfterSeconds: seconds });
  }
}
