import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeBatchRows, KEYSTROKE_COPY_TABLE, keystrokeCopyData, keystrokeCopySql } from '../../server/ingest/store/keystroke-rows.ts';
import { compactSessions } from '../../server/db/keystroke-compaction.ts';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import { SeededRandom } from '../../shared/seeded-random.ts';
import { TypistScript } from '../load/typing-model.ts';

// What a typist's events cost on disk: stored as ingest stores them while the session is
// live (one row per 150 ms frame, one or two events each), then after the session ended and
// was compacted (migration 0013). The events come from the load tool's typing model.

export interface LiveCompaction {
  sessions: number;
  events: number;
  rowsLive: number;
  rowsCompacted: number;
  /** Table + index + TOAST over events, as ingest leaves the rows. */
  liveBytesPerEvent: number;
  /** The same after compaction and VACUUM FULL: the size the rows settle at. */
  compactedBytesPerEvent: number;
  /** Events of ended sessions compacted a second, one session at a time on one connection. */
  compactionEventsPerSec: number;
}

const FRAME_MS = 150; // the browser client's and the load tool's batch interval
const ROWS_PER_COPY = 10_000;

/** Expects keystroke_batches empty; leaves it holding the compacted rows. */
export async function measureLiveCompaction(db: pg.Client, userId: string, options: { sessions: number; seconds: number }): Promise<LiveCompaction> {
  const { sessionIds, events } = await storeLiveTyping(db, userId, options);
  await db.query(`VACUUM ANALYZE ${KEYSTROKE_COPY_TABLE}`);
  const rowsLive = await rowCount(db);
  const liveBytes = await tableBytes(db);

  const started = performance.now();
  await compactSessions(db, sessionIds);
  const compactionEventsPerSec = events / ((performance.now() - started) / 1000);
  await db.query(`VACUUM FULL ${KEYSTROKE_COPY_TABLE}`);
  const perEvent = (bytes: number) => Math.round((bytes / events) * 10) / 10;
  return {
    sessions: options.sessions, events, rowsLive, rowsCompacted: await rowCount(db),
    liveBytesPerEvent: perEvent(liveBytes), compactedBytesPerEvent: perEvent(await tableBytes(db)),
    compactionEventsPerSec: Math.round(compactionEventsPerSec),
  };
}

/**
 * `sessions` ended sessions of `seconds` of the typing model each, stored as ingest stores a
 * live session: one row per 150 ms frame that holds events, COPY'd in the binary format.
 */
export async function storeLiveTyping(db: pg.Client, userId: string, options: { sessions: number; seconds: number }): Promise<{ sessionIds: string[]; events: number }> {
  const { rows: sessions } = await db.query<{ id: string }>(
    "INSERT INTO typing_sessions (user_id, mode, ended_at) SELECT $1, 'words', now() FROM generate_series(1, $2) RETURNING id", [userId, options.sessions]);
  let events = 0;
  let pending: Uint8Array[] = [];
  const flush = async () => {
    await pipeline(Readable.from([keystrokeCopyData(pending)]), db.query(copyFrom(keystrokeCopySql())));
    pending = [];
  };
  for (const [i, { id }] of sessions.entries()) {
    const typist = new TypistScript(new SeededRandom(i + 1));
    let seq = 0;
    for (let t = FRAME_MS; t <= options.seconds * 1000; t += FRAME_MS) {
      const frame = typist.take(t);
      if (frame.length === 0) continue;
      pending.push(encodeBatchRows(id, ++seq, frame, Uint8Array.from(frame.map((e) => fingerOf(e.code)))));
      events += frame.length;
      if (pending.length >= ROWS_PER_COPY) await flush();
    }
  }
  if (pending.length > 0) await flush();
  return { sessionIds: sessions.map((s) => s.id), events };
}

async function rowCount(db: pg.Client): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${KEYSTROKE_COPY_TABLE}`)).rows[0]!.n;
}

async function tableBytes(db: pg.Client): Promise<number> {
  return Number((await db.query<{ bytes: string }>(`SELECT pg_total_relation_size('${KEYSTROKE_COPY_TABLE}')::text AS bytes`)).rows[0]!.bytes);
}

/**
 * Bytes per event of these sessions once they end and are compacted: their rows copied as
 * they are (compressed datums stay compressed) into a table of the same definition, so the
 * figure is measured on them alone, without compacting everything the bench stored.
 */
export async function compactedBytesPerEvent(db: pg.Client, sessionIds: readonly string[]): Promise<number> {
  await db.query('UPDATE typing_sessions SET ended_at = now() WHERE id = ANY($1::uuid[])', [sessionIds]);
  await compactSessions(db, sessionIds);
  await db.query(`CREATE TEMP TABLE compacted_footprint (LIKE ${KEYSTROKE_COPY_TABLE} INCLUDING ALL)`);
  try {
    await db.query(`INSERT INTO compacted_footprint SELECT * FROM ${KEYSTROKE_COPY_TABLE} WHERE session_id = ANY($1::uuid[]) ORDER BY session_id, batch_seq`, [sessionIds]);
    await db.query('VACUUM ANALYZE compacted_footprint');
    const { rows } = await db.query<{ bytes: string; events: string }>(
      "SELECT pg_total_relation_size('compacted_footprint')::text AS bytes, (SELECT sum(cardinality(offset_us)) FROM compacted_footprint)::text AS events");
    return Math.round((Number(rows[0]!.bytes) / Number(rows[0]!.events)) * 10) / 10;
  } finally {
    await db.query('DROP TABLE compacted_footprint');
  }
}
