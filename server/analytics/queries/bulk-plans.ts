import type pg from 'pg';

/**
 * Analytics statements are bulk work over thousands of rows, but just-written keystrokes
 * often have no planner statistics yet: the planner then guesses a handful of rows and
 * picks nested loops, which on a 20,000-event session joined with its practice text cost
 * seconds (measured 13.7 s against 0.35 s). Inside a transaction these settings make every
 * join a hash join; they end with it.
 */
export const BULK_PLANS = 'SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off; SET LOCAL work_mem = \'32MB\'';

/** Runs `work` in a read-only transaction with bulk plans, on a client of its own. */
export async function withBulkPlans<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN READ ONLY; ${BULK_PLANS}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
