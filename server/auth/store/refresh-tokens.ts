import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashToken, newOpaqueToken } from '../secrets.ts';
import type { Queryable } from '../../db/queryable.ts';
import { inTransaction } from '../../db/transaction.ts';

export type RotateResult =
  | { ok: true; userId: string; familyId: string; token: string; expiresAt: Date }
  | { ok: false; code: 'REFRESH_INVALID' | 'REFRESH_EXPIRED' }
  | { ok: false; code: 'REFRESH_REUSED'; userId: string; familyId: string };

export type SignInMethod = 'password' | 'google' | 'anonymous';

export interface DeviceRow {
  family_id: string;
  user_agent: string;
  ip: string | null;
  signed_in_at: Date;
  last_used_at: Date;
}

/**
 * Refresh tokens: single use, rotated on every refresh, stored as SHA-256 only. All tokens
 * descended from one sign-in share a family (one "device"); presenting a token that was
 * already rotated means it was stolen or replayed, and revokes the whole family.
 *
 * A token lives `ttlDays` from its rotation, but never past the end of its sign-in
 * (`session_expires_at`, `maxDays` after the password was entered): rotating does not
 * extend a sign-in forever.
 */
export class RefreshTokens {
  /**
   * `revoked` hears of every revocation made through this object, so this process forgets
   * its cached "live" answers at once; other processes hear through NOTIFY (a trigger).
   */
  constructor(private readonly pool: pg.Pool, private readonly ttlDays: number, private readonly maxDays: number = 30, private readonly revoked: (userId: string) => void = () => {}) {}

  /** A token for a new sign-in, or the next one of a sign-in (family), which keeps its end. */
  async issue(input: { userId: string; familyId?: string; method?: SignInMethod; userAgent: string; ip: string | null }, db: Queryable = this.pool): Promise<{ token: string; familyId: string; expiresAt: Date }> {
    const { token, hash } = newOpaqueToken();
    const familyId = input.familyId ?? randomUUID();
    const { rows } = await db.query<{ expires_at: Date }>(
      `WITH family AS (SELECT min(session_expires_at) AS session_end, min(sign_in_method) AS method FROM refresh_tokens WHERE family_id = $2),
            ends AS (SELECT coalesce(session_end, now() + make_interval(days => $7)) AS session_end, coalesce(method, $8) AS method FROM family)
       INSERT INTO refresh_tokens (user_id, family_id, token_hash, user_agent, ip, expires_at, session_expires_at, sign_in_method)
       SELECT $1, $2, $3, $4, $5, least(now() + make_interval(days => $6), session_end), session_end, method FROM ends RETURNING expires_at`,
      [input.userId, familyId, hash, input.userAgent.slice(0, 300), input.ip, this.ttlDays, this.maxDays, input.method ?? 'password'],
    );
    return { token, familyId, expiresAt: rows[0]!.expires_at };
  }

  async rotate(token: string, context: { userAgent: string; ip: string | null }): Promise<RotateResult> {
    return inTransaction(this.pool, async (client): Promise<RotateResult> => {
      const { rows } = await client.query<{ id: string; user_id: string; family_id: string; used_at: Date | null; revoked_at: Date | null; expired: boolean }>(
        'SELECT id, user_id, family_id, used_at, revoked_at, expires_at <= now() AS expired FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE',
        [hashToken(token)],
      );
      const row = rows[0];
      if (!row || row.revoked_at) return { ok: false, code: 'REFRESH_INVALID' };
      if (row.used_at) {
        await client.query("UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'reuse_detected' WHERE family_id = $1 AND revoked_at IS NULL", [row.family_id]);
        this.revoked(row.user_id);
        return { ok: false, code: 'REFRESH_REUSED', userId: row.user_id, familyId: row.family_id };
      }
      if (row.expired) return { ok: false, code: 'REFRESH_EXPIRED' };
      await client.query('UPDATE refresh_tokens SET used_at = now(), last_used_at = now() WHERE id = $1', [row.id]);
      const next = await this.issue({ userId: row.user_id, familyId: row.family_id, ...context }, client);
      return { ok: true, userId: row.user_id, ...next };
    });
  }

  /** The family of a live token, for logout and CSRF binding; undefined when not live. */
  async familyOf(token: string): Promise<{ userId: string; familyId: string } | undefined> {
    const { rows } = await this.pool.query<{ user_id: string; family_id: string }>(
      'SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()',
      [hashToken(token)],
    );
    return rows[0] ? { userId: rows[0].user_id, familyId: rows[0].family_id } : undefined;
  }

  /** How and when the sign-in of a live token was made: recent provider sign-ins re-authenticate. */
  async signInOf(token: string): Promise<{ method: SignInMethod; ageSeconds: number } | undefined> {
    const { rows } = await this.pool.query<{ method: SignInMethod; age: number }>(
      `SELECT live.sign_in_method AS method, extract(epoch FROM now() - (SELECT min(created_at) FROM refresh_tokens f WHERE f.family_id = live.family_id))::int AS age
       FROM refresh_tokens live WHERE live.token_hash = $1 AND live.used_at IS NULL AND live.revoked_at IS NULL AND live.expires_at > now()`,
      [hashToken(token)],
    );
    return rows[0] ? { method: rows[0].method, ageSeconds: rows[0].age } : undefined;
  }

  async revokeFamily(userId: string, familyId: string, reason: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3 WHERE user_id = $1 AND family_id = $2 AND revoked_at IS NULL', [userId, familyId, reason]);
    this.revoked(userId);
    return (rowCount ?? 0) > 0;
  }

  /** Every device of the user, optionally sparing one (the one asking). */
  async revokeAll(userId: string, reason: string, exceptFamilyId?: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      'UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR family_id <> $3)',
      [userId, reason, exceptFamilyId ?? null],
    );
    this.revoked(userId);
    return rowCount ?? 0;
  }

  async devices(userId: string): Promise<DeviceRow[]> {
    const { rows } = await this.pool.query<DeviceRow>(
      `SELECT live.family_id, live.user_agent, host(live.ip) AS ip, first.created_at AS signed_in_at, live.last_used_at
       FROM refresh_tokens live
       JOIN LATERAL (SELECT min(created_at) AS created_at FROM refresh_tokens f WHERE f.family_id = live.family_id) first ON true
       WHERE live.user_id = $1 AND live.used_at IS NULL AND live.revoked_at IS NULL AND live.expires_at > now()
       ORDER BY live.last_used_at DESC`,
      [userId],
    );
    return rows;
  }
}
