import { hashToken, newOpaqueToken } from '../auth/secrets.ts';
import type { Queryable } from './users.ts';

export type OneTimePurpose = 'email_verification' | 'password_reset';

/** Links sent by email: single use, expiring, stored as SHA-256 only. */
export async function createOneTimeToken(db: Queryable, userId: string, purpose: OneTimePurpose, ttlMinutes: number): Promise<string> {
  const { token, hash } = newOpaqueToken();
  await db.query(
    'INSERT INTO one_time_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(mins => $4))',
    [userId, purpose, hash, ttlMinutes],
  );
  return token;
}

/** Uses the token up, atomically; says why when it cannot be used. */
export async function consumeOneTimeToken(db: Queryable, token: string, purpose: OneTimePurpose): Promise<{ ok: true; userId: string } | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED' }> {
  const hash = hashToken(token);
  const { rows } = await db.query<{ user_id: string }>(
    'UPDATE one_time_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id',
    [hash, purpose],
  );
  if (rows[0]) return { ok: true, userId: rows[0].user_id };
  const seen = await db.query<{ used: boolean }>('SELECT used_at IS NOT NULL AS used FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2', [hash, purpose]);
  if (!seen.rows[0]) return { ok: false, code: 'TOKEN_INVALID' };
  return { ok: false, code: seen.rows[0].used ? 'TOKEN_USED' : 'TOKEN_EXPIRED' };
}

/** A token that is not needed any more (a newer link was sent, or the password changed). */
export async function revokeOneTimeTokens(db: Queryable, userId: string, purpose: OneTimePurpose): Promise<void> {
  await db.query('UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [userId, purpose]);
}

/** Whether the token could be used now, without using it. */
export async function peekOneTimeToken(db: Queryable, token: string, purpose: OneTimePurpose): Promise<{ ok: true; userId: string } | { ok: false; code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED' }> {
  const { rows } = await db.query<{ user_id: string; used: boolean; expired: boolean }>(
    'SELECT user_id, used_at IS NOT NULL AS used, expires_at <= now() AS expired FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2',
    [hashToken(token), purpose],
  );
  const row = rows[0];
  if (!row) return { ok: false, code: 'TOKEN_INVALID' };
  if (row.used) return { ok: false, code: 'TOKEN_USED' };
  if (row.expired) return { ok: false, code: 'TOKEN_EXPIRED' };
  return { ok: true, userId: row.user_id };
}
