import { hashToken, newOpaqueToken } from '../secrets.ts';
import type { Queryable } from '../../db/queryable.ts';

export type OneTimePurpose = 'email_verification' | 'password_reset' | 'email_change' | 'email_change_undo';
export type TokenProblem = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED';
export type TokenUse = { ok: true; userId: string; email: string; previousEmail: string | null } | { ok: false; code: TokenProblem };

/**
 * Links sent by email: single use, expiring, stored as SHA-256 only, and bound to the
 * address they were sent to. A verification or reset link works only while the account
 * still has that address; an email-change link only while the account still has the
 * address the change was asked from (`previousEmail`). An undo link (to the old address
 * after a change) restores that address whatever the account's address is now.
 */
export async function createOneTimeToken(db: Queryable, input: { userId: string; purpose: OneTimePurpose; ttlMinutes: number; email: string; previousEmail?: string }): Promise<string> {
  const { token, hash } = newOpaqueToken();
  await db.query(
    'INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at, email, previous_email) VALUES ($1, $2, $3, now() + make_interval(mins => $4), $5, $6)',
    [input.userId, input.purpose, hash, input.ttlMinutes, input.email, input.previousEmail ?? null],
  );
  return token;
}

// Whether the token still matches the account's address (see above).
const BOUND = `CASE o.purpose WHEN 'email_change' THEN lower(o.previous_email) = lower(u.email)
  WHEN 'email_change_undo' THEN true ELSE lower(o.email) = lower(u.email) END`;

/** Uses the token up, atomically; says why when it cannot be used. */
export async function consumeOneTimeToken(db: Queryable, token: string, purpose: OneTimePurpose): Promise<TokenUse> {
  const hash = hashToken(token);
  const { rows } = await db.query<{ user_id: string; email: string; previous_email: string | null }>(
    `UPDATE one_time_tokens o SET used_at = now() FROM users u
     WHERE o.token_hash = $1 AND o.purpose = $2 AND o.used_at IS NULL AND o.expires_at > now() AND u.id = o.user_id AND ${BOUND}
     RETURNING o.user_id, o.email, o.previous_email`,
    [hash, purpose],
  );
  if (rows[0]) return { ok: true, userId: rows[0].user_id, email: rows[0].email, previousEmail: rows[0].previous_email };
  const seen = await peekOneTimeToken(db, token, purpose);
  return seen.ok ? { ok: false, code: 'TOKEN_USED' } : seen; // (used by a racing request meanwhile)
}

/** Whether the token could be used now, without using it. */
export async function peekOneTimeToken(db: Queryable, token: string, purpose: OneTimePurpose): Promise<TokenUse> {
  const { rows } = await db.query<{ user_id: string; email: string; previous_email: string | null; used: boolean; expired: boolean; bound: boolean }>(
    `SELECT o.user_id, o.email, o.previous_email, o.used_at IS NOT NULL AS used, o.expires_at <= now() AS expired, ${BOUND} AS bound
     FROM one_time_tokens o JOIN users u ON u.id = o.user_id WHERE o.token_hash = $1 AND o.purpose = $2`,
    [hashToken(token), purpose],
  );
  const row = rows[0];
  // A link for an address the account no longer has is as good as none.
  if (!row || !row.bound) return { ok: false, code: 'TOKEN_INVALID' };
  if (row.used) return { ok: false, code: 'TOKEN_USED' };
  if (row.expired) return { ok: false, code: 'TOKEN_EXPIRED' };
  return { ok: true, userId: row.user_id, email: row.email, previousEmail: row.previous_email };
}

/** A token that is not needed any more (a newer link was sent). */
export async function revokeOneTimeTokens(db: Queryable, userId: string, purpose: OneTimePurpose): Promise<void> {
  await db.query('UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [userId, purpose]);
}

/**
 * The email or the password changed: every outstanding link dies. Undo links survive a
 * password change (`keepUndo`), so an owner whose address was moved away can still take it
 * back after the intruder also changed the password.
 */
export async function revokeAllOneTimeTokens(db: Queryable, userId: string, keepUndo: boolean): Promise<void> {
  await db.query(
    "UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL AND NOT ($2 AND purpose = 'email_change_undo')",
    [userId, keepUndo],
  );
}
