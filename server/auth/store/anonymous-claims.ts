import type pg from 'pg';
import { inTransaction } from '../../db/transaction.ts';
import { foreignKeyViolation } from '../../db/constraint-errors.ts';

export type ClaimResult = { ok: true; movedSessions: number } | { ok: false; reason: 'not_found' | 'not_anonymous' | 'account_gone' };

/**
 * Gives every session of an anonymous typist to an account, then deletes the anonymous
 * user (its settings and refresh tokens go with it by cascade). The anonymous row is locked
 * first: a session the anonymous browser creates meanwhile waits for the lock, then fails
 * its foreign key, instead of slipping in after the move and being deleted by the cascade.
 * Anonymous typists cannot own word sets, so there are none to move.
 */
export async function claimAnonymousUser(pool: pg.Pool, anonymousId: string, accountId: string): Promise<ClaimResult> {
  try {
    return await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ is_anonymous: boolean }>('SELECT is_anonymous FROM users WHERE id = $1 FOR UPDATE', [anonymousId]);
      if (!rows[0]) return { ok: false, reason: 'not_found' } as const;
      if (!rows[0].is_anonymous) return { ok: false, reason: 'not_anonymous' } as const;
      const moved = await client.query('UPDATE typing_sessions SET user_id = $2, updated_at = now() WHERE user_id = $1', [anonymousId, accountId]);
      await client.query('DELETE FROM users WHERE id = $1 AND is_anonymous', [anonymousId]);
      return { ok: true, movedSessions: moved.rowCount ?? 0 } as const;
    });
  } catch (error) {
    if (foreignKeyViolation(error) === 'typing_sessions_user_id_fkey') return { ok: false, reason: 'account_gone' };
    throw error;
  }
}
