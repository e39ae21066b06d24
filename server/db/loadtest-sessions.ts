import type pg from 'pg';
import { inTransaction } from './transaction.ts';

/**
 * Many anonymous users, each with one open session, in two statements: what a load test of
 * 5,000 clients needs in place of 5,000 sign-ups (each a bcrypt hash and an email). The users
 * carry the run's tag and an expiry, so `--cleanup` and the retention sweep can find them.
 */
export async function createLoadtestSessions(pool: pg.Pool, count: number, mode: string, tag: { run: string; retentionHours: number }): Promise<Array<{ userId: string; sessionId: string }>> {
  return inTransaction(pool, async (client) => {
    const users = await client.query<{ id: string }>(
      `INSERT INTO users (is_anonymous, display_name, loadtest_run, loadtest_expires_at)
       SELECT true, 'load test', $2, now() + make_interval(hours => $3) FROM generate_series(1, $1) RETURNING id`,
      [count, tag.run, tag.retentionHours],
    );
    const sessions = await client.query<{ id: string; user_id: string }>(
      `INSERT INTO typing_sessions (user_id, mode, config) SELECT u, $2, jsonb_build_object('source', 'loadtest', 'run', $3::text) FROM unnest($1::uuid[]) AS u RETURNING id, user_id`,
      [users.rows.map((r) => r.id), mode, tag.run],
    );
    return sessions.rows.map((r) => ({ userId: r.user_id, sessionId: r.id }));
  });
}

/** The owners of load-test sessions (to sign fresh tickets), ignoring any other session id. */
export async function loadtestSessionOwners(pool: pg.Pool, sessionIds: string[]): Promise<Array<{ userId: string; sessionId: string }>> {
  const { rows } = await pool.query<{ id: string; user_id: string }>(
    `SELECT s.id, s.user_id FROM typing_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = ANY($1::uuid[]) AND u.is_anonymous AND s.config->>'source' = 'loadtest'`,
    [sessionIds],
  );
  return rows.map((r) => ({ userId: r.user_id, sessionId: r.id }));
}

/**
 * Deletes one run's load-test users, or every one whose retention has passed; their
 * sessions follow by ON DELETE CASCADE and the keystrokes by the session trigger. Only
 * tagged users match, so no real typist can be removed this way.
 */
export async function deleteLoadtestUsers(pool: pg.Pool, scope: { run: string } | { expiredBefore: Date }): Promise<{ users: number; sessions: number }> {
  return inTransaction(pool, async (client) => {
    const where = 'run' in scope ? 'u.loadtest_run = $1' : 'u.loadtest_expires_at < $1';
    const value = 'run' in scope ? scope.run : scope.expiredBefore;
    const sessions = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM typing_sessions s JOIN users u ON u.id = s.user_id WHERE u.loadtest_run IS NOT NULL AND ${where}`, [value]);
    const users = await client.query(`DELETE FROM users u WHERE u.loadtest_run IS NOT NULL AND ${where}`, [value]);
    return { users: users.rowCount ?? 0, sessions: sessions.rows[0]?.n ?? 0 };
  });
}
