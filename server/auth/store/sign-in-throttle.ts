import type { Queryable } from '../../db/queryable.ts';

export interface ThrottlePolicy {
  /** Failures from one source (device or address) before it waits. */
  maxAttempts: number;
  /** The first wait; each further one from the same source doubles, up to 64x. */
  lockMinutes: number;
  /** Failures older than this no longer count. */
  resetMinutes: number;
  /** Failures from all unrecognised sources together before they all wait. */
  accountCeiling: number;
}

/** The email the attempt named (existing or not) and where it came from. */
export interface AttemptKey {
  emailKey: string;
  /** `device:<id>` for a browser this account signed in from before, else `ip:<address group>`. */
  source: string;
  recognised: boolean;
}

export type Reservation = { allowed: true; attempt: number } | { allowed: false; retryAfterSeconds: number };

const CEILING = '*';
const FRESH = `(t.first_failure_at < now() - make_interval(mins => $4) OR (t.blocked_until IS NOT NULL AND t.blocked_until <= now()))`;

/**
 * Sign-in throttling that slows guessing without locking the owner out. The old rule (five
 * failures lock the account for everyone) let anyone who knew an address lock its owner out.
 * Now each (account, source) pair has its own count: five failures from one address make
 * that address wait, doubling each time, while the owner on their own device (a cookie from
 * an earlier sign-in) or from another address goes on signing in. A per-account ceiling over
 * all unrecognised sources stops a botnet spreading guesses over many addresses; recognised
 * devices pass it. Unknown emails are throttled exactly like known ones, so the answers
 * reveal nothing about which accounts exist.
 *
 * An attempt is counted (provisionally) BEFORE the password is compared and only while the
 * source has attempts left, in one statement: however many requests arrive at once, at most
 * `maxAttempts` passwords per source and window are compared.
 */
export async function reserveAttempt(db: Queryable, key: AttemptKey, policy: ThrottlePolicy): Promise<Reservation> {
  if (!key.recognised) {
    const ceiling = await db.query<{ wait: number }>(
      'SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS wait FROM sign_in_throttle WHERE email_key = $1 AND source = $2 AND blocked_until > now()',
      [key.emailKey, CEILING],
    );
    if (ceiling.rows[0]) return { allowed: false, retryAfterSeconds: Math.max(1, ceiling.rows[0].wait) };
  }
  const { rows } = await db.query<{ failures: number }>(
    `INSERT INTO sign_in_throttle AS t (email_key, source, failures, first_failure_at) VALUES ($1, $2, 1, now())
     ON CONFLICT (email_key, source) DO UPDATE SET
       failures = CASE WHEN ${FRESH} THEN 1 ELSE t.failures + 1 END,
       lockouts = CASE WHEN t.first_failure_at < now() - make_interval(mins => $4) AND (t.blocked_until IS NULL OR t.blocked_until <= now() - make_interval(mins => $4)) THEN 0 ELSE t.lockouts END,
       first_failure_at = CASE WHEN ${FRESH} THEN now() ELSE t.first_failure_at END,
       blocked_until = CASE WHEN ${FRESH} THEN NULL ELSE t.blocked_until END
     WHERE (t.blocked_until IS NULL OR t.blocked_until <= now()) AND (${FRESH} OR t.failures < $3)
     RETURNING failures`,
    [key.emailKey, key.source, policy.maxAttempts, policy.resetMinutes],
  );
  if (rows[0]) return { allowed: true, attempt: rows[0].failures };
  const state = await db.query<{ wait: number | null }>(
    'SELECT ceil(extract(epoch FROM blocked_until - now()))::int AS wait FROM sign_in_throttle WHERE email_key = $1 AND source = $2',
    [key.emailKey, key.source],
  );
  // No block yet: the attempt that uses up the allowance is still being checked.
  return { allowed: false, retryAfterSeconds: Math.max(1, state.rows[0]?.wait ?? policy.lockMinutes * 60) };
}

/** After a failed comparison: blocks the source when its allowance is used up; returns the wait. */
export async function recordFailure(db: Queryable, key: AttemptKey, attempt: number, policy: ThrottlePolicy): Promise<number | undefined> {
  if (!key.recognised) {
    await db.query(
      `INSERT INTO sign_in_throttle AS t (email_key, source, failures, first_failure_at) VALUES ($1, $2, 1, now())
       ON CONFLICT (email_key, source) DO UPDATE SET
         failures = CASE WHEN ${FRESH} THEN 1 ELSE t.failures + 1 END,
         first_failure_at = CASE WHEN ${FRESH} THEN now() ELSE t.first_failure_at END,
         blocked_until = CASE WHEN NOT ${FRESH} AND t.failures + 1 >= $3 THEN now() + make_interval(mins => $5) WHEN ${FRESH} THEN NULL ELSE t.blocked_until END`,
      [key.emailKey, CEILING, policy.accountCeiling, policy.resetMinutes, policy.lockMinutes],
    );
  }
  if (attempt < policy.maxAttempts) return undefined;
  const { rows } = await db.query<{ wait: number }>(
    `UPDATE sign_in_throttle SET blocked_until = now() + make_interval(mins => $3 * power(2, least(lockouts, 6))::int), lockouts = lockouts + 1
     WHERE email_key = $1 AND source = $2 AND (blocked_until IS NULL OR blocked_until <= now())
     RETURNING ceil(extract(epoch FROM blocked_until - now()))::int AS wait`,
    [key.emailKey, key.source, policy.lockMinutes],
  );
  return rows[0]?.wait;
}

/** A successful sign-in from this source forgets its failures (not the account ceiling). */
export async function recordSuccess(db: Queryable, key: AttemptKey): Promise<void> {
  await db.query('DELETE FROM sign_in_throttle WHERE email_key = $1 AND source = $2', [key.emailKey, key.source]);
}

/** Rows whose window and block are long over: the table stays as small as the live attacks. */
export async function sweepThrottle(db: Queryable, olderThanMinutes: number): Promise<void> {
  await db.query(
    `DELETE FROM sign_in_throttle WHERE first_failure_at < now() - make_interval(mins => $1) AND (blocked_until IS NULL OR blocked_until < now() - make_interval(mins => $1))`,
    [olderThanMinutes],
  );
}
