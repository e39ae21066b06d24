import type pg from 'pg';
import { createPool } from '../../server/db/pool.ts';
import { createRowTable, ROW_COLUMNS } from './row-copy.ts';

const ROW_SCHEMA = 'v1rows';

/**
 * The same events in the v1 per-row layout, as a table named `keystrokes` in a schema of its
 * own, and a pool whose search_path finds it before the packed view: the analytics SQL then
 * runs unchanged against either layout, so one run compares them (issue 20: packed must stay
 * within 1.2x of per-row).
 */
export async function perRowLayout(pool: pg.Pool, url: string): Promise<pg.Pool> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ROW_SCHEMA}`);
  await pool.query(createRowTable(`${ROW_SCHEMA}.keystrokes`));
  await pool.query(`INSERT INTO ${ROW_SCHEMA}.keystrokes (${ROW_COLUMNS}) SELECT ${ROW_COLUMNS} FROM public.keystrokes ORDER BY session_id, batch_seq, batch_idx`);
  await pool.query(`VACUUM ANALYZE ${ROW_SCHEMA}.keystrokes`);
  const rows = createPool(url, { max: 10, applicationName: 'fingerflow-bench-rows' });
  // Queued before the first query of every new connection, so it always runs first.
  rows.on('connect', (client) => void client.query(`SET search_path = ${ROW_SCHEMA}, public`));
  return rows;
}

/** Forgets every session's cached analytics, so the next range read builds them from raw events. */
export async function clearAnalyticsCache(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE session_summaries, session_key_timings, session_digraphs, session_confusion, session_letters, session_analytics');
}

export async function onceMs(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return Math.round((performance.now() - t0) * 10) / 10;
}
