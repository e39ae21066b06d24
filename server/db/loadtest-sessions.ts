import type pg from 'pg';
import { inTransaction } from './transaction.ts';

/**
 * Many anonymous users, each with one open session, in two statements: what a load test of
 * 5,000 clients needs in place of 5,000 sign-ups (each a bcrypt hash and an email).
 */
export async function createLoadtestSessions(pool: pg.Pool, count: number, mode: string): Promise<Array<{ userId: string; sessionId: string }>> {
  return inTransaction(pool, async (client) => {
    const users = await client.query<{ id: string }>(
      "INSERT INTO users (is_anonymous, display_name) SELECT true, 'load test' FROM generate_series(1, $1) RETURNING id",
      [count],
    );
    const sessions = await client.query<{ id: string; user_id: string }>(
      `INSERT INTO typing_sessions (user_id, mode, config) SELECT u, $2, '{"source":"loadtest"}'::jsonb FROM unnest($1::uuid[]) AS u RETURNING id, user_id`,
      [users.rows.map((r) => r.id), mode],
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
