import type { Queryable } from '../db/queryable.ts';
import type { Logger } from '../obs/logger.ts';
import { waitText } from '../../shared/wait-text.ts';
import type { DeviceMarks } from './device-marks.ts';
import { AuthError } from './errors.ts';
import type { Requester } from './requester.ts';
import { recordFailure, recordSuccess, reserveAttempt, type AttemptKey, type ThrottlePolicy } from './store/sign-in-throttle.ts';

export type { AttemptKey };

/**
 * Every check of a secret (password at login, 2FA code at login or password reset, password
 * and code when re-authenticating in the settings) goes through here, so all of them count
 * toward the same per-(account, source) throttle: see store/sign-in-throttle.ts and DEPLOY.md.
 */
export class SignInGuard {
  constructor(
    private readonly db: Queryable,
    private readonly log: Logger,
    private readonly policy: ThrottlePolicy,
    readonly devices: DeviceMarks,
  ) {}

  keyFor(from: Requester, email: string, userId: string | undefined): AttemptKey {
    const emailKey = email.trim().toLowerCase();
    const device = userId ? this.devices.recognise(from.deviceMark, userId) : undefined;
    if (device) return { emailKey, source: `device:${device}`, recognised: true };
    return { emailKey, source: `ip:${from.ipGroup}`, recognised: false };
  }

  /**
   * Runs `check` (a password or code comparison) if this source may try now. A refusal
   * throws AUTH_LOCKED with the wait; a failed check is counted and may block the source.
   * The caller decides what a failure throws (`failure`).
   */
  async check(from: Requester, key: AttemptKey, meta: { userId?: string; context: string; event: 'auth_login_failed' | 'auth_2fa_failed' | 'auth_reauth_failed' }, check: () => Promise<boolean>, failure: () => AuthError): Promise<void> {
    const log = this.log;
    const reservation = await reserveAttempt(this.db, key, this.policy);
    if (!reservation.allowed) {
      log.warn({ event: 'auth_throttled', context: meta.context, userId: meta.userId, ip: from.ip, source: key.source.split(':')[0] }, 'sign-in attempt refused while throttled');
      throw locked(reservation.retryAfterSeconds);
    }
    if (await check()) return;
    const wait = await recordFailure(this.db, key, reservation.attempt, this.policy);
    log.info({ event: meta.event, context: meta.context, userId: meta.userId, ip: from.ip, attempt: reservation.attempt }, 'a password or code was refused');
    if (wait !== undefined) {
      log.warn({ event: 'auth_lockout_triggered', context: meta.context, userId: meta.userId, ip: from.ip, attempts: reservation.attempt, retryAfterSeconds: wait }, 'source throttled after failed attempts');
      throw locked(wait);
    }
    throw failure();
  }

  /** Forgets this source's failures; called once a sign-in is complete. */
  async succeeded(key: AttemptKey): Promise<void> {
    await recordSuccess(this.db, key);
  }
}

function locked(seconds: number): AuthError {
  return new AuthError('locked', 'AUTH_LOCKED', `too many failed attempts from this device or network; try again in ${waitText(seconds)}`, { retryAfterSeconds: seconds });
}
