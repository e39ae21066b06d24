import type { Queryable } from './users.ts';

export interface LockoutPolicy {
  maxAttempts: number;
  lockMinutes: number;
  resetMinutes: number;
}

/**
 * Account lockout, enforced in one UPDATE so that concurrent attempts cannot slip past it:
 * an attempt is counted (as a failure, provisionally) BEFORE the password is compared, and
 * only while the account is not locked and has attempts left in its window. So however many
 * requests arrive at once, at most `maxAttempts` passwords are evaluated per window.
 * A successful login resets the count (users.recordLogin).
 */
export async function reserveAttempt(db: Queryable, userId: string, policy: LockoutPolicy): Promise<{ allowed: true; attempt: number } | { allowed: false; lockedUntil: Date | null }> {
  const { rows } = await db.query<{ failed_login_count: number }>(
    `UPDATE users SET
       failed_login_count = CASE WHEN fresh THEN 1 ELSE failed_login_count + 1 END,
       first_failed_login_at = CASE WHEN fresh THEN now() ELSE first_failed_login_at END,
       locked_until = CASE WHEN fresh THEN NULL ELSE locked_until END
     FROM (SELECT id AS target,
             (first_failed_login_at IS NULL
              OR first_failed_login_at < now() - make_interval(mins => $3)
              OR (locked_until IS NOT NULL AND locked_until <= now())) AS fresh
           FROM users WHERE id = $1 FOR UPDATE) AS state
     WHERE users.id = state.target
       AND (users.locked_until IS NULL OR users.locked_until <= now())
       AND (state.fresh OR users.failed_login_count < $2)
     RETURNING users.failed_login_count`,
    [userId, policy.maxAttempts, policy.resetMinutes],
  );
  if (rows[0]) return { allowed: true, attempt: rows[0].failed_login_count };
  const state = await db.query<{ locked_until: Date | null }>('SELECT locked_until FROM users WHERE id = $1', [userId]);
  return { allowed: false, lockedUntil: state.rows[0]?.locked_until ?? null };
}

/** After a failed comparison: the attempt that used up the allowance locks the account. */
export async function lockIfExhausted(db: Queryable, userId: string, attempt: number, policy: LockoutPolicy): Promise<Date | undefined> {
  if (attempt < policy.maxAttempts) return undefined;
  const { rows } = await db.query<{ locked_until: Date }>(
    `UPDATE users SET locked_until = now() + make_interval(mins => $2) WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now()) RETURNING locked_until`,
    [userId, policy.lockMinutes],
  );
  return rows[0]?.locked_until;
}
