import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeBatchRows, KEYSTROKE_COPY_TABLE, keystrokeCopyData, keystrokeCopySql } from '../../server/ingest/store/keystroke-rows.ts';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { encodeRowsV1, ROW_COLUMNS, ROW_TABLE } from './row-copy.ts';

/**
 * What a ceiling COPYs into, and how: the packed table in the binary format ingest writes, or
 * the v1 per-row table in the text format the v1 ingest wrote.
 */
export interface CopyTarget {
  table: string;
  sql: string;
  encode: (sessionId: string, seq: number, events: readonly KeyEvent[], fingers: Uint8Array) => Uint8Array;
  /** One COPY's data from its rows (the binary format adds a header and a trailer). */
  data: (rows: Uint8Array[]) => Uint8Array;
}

export const PACKED_TARGET: CopyTarget = { table: KEYSTROKE_COPY_TABLE, sql: keystrokeCopySql(), encode: encodeBatchRows, data: keystrokeCopyData };
export const ROW_TARGET: CopyTarget = { table: ROW_TABLE, sql: `COPY ${ROW_TABLE} (${ROW_COLUMNS}) FROM STDIN`, encode: encodeRowsV1, data: (rows) => Buffer.concat(rows) };

/**
 * The ceiling: the same events COPY'd straight into the table, `connections` at once,
 * `rowsPerCopy` events per COPY transaction, no protocol and no bookkeeping. "The same
 * events" means the same mix the full path writes: batches of `sessions` concurrent sessions
 * interleaved, so the primary key takes inserts all over its range, as it does in
 * production, rather than one session's rows in key order. Returns events per second.
 */
export async function measureCopyCeiling(url: string, options: { rows: number; rowsPerCopy: number; connections: number; sessions: number; events: KeyEvent[]; target?: CopyTarget }): Promise<number> {
  const target = options.target ?? PACKED_TARGET;
  const fingers = Uint8Array.from(options.events.map((e) => fingerOf(e.code)));
  const chunksPerConnection = Math.ceil(options.rows / options.rowsPerCopy / options.connections);
  const batchesPerCopy = Math.ceil(options.rowsPerCopy / options.events.length);
  // Prepared before the clock starts: the ceiling measures PostgreSQL, not encoding.
  const sessionIds = Array.from({ length: options.sessions }, () => randomUUID());
  const nextSeq = new Array<number>(options.sessions).fill(0);
  let turn = 0;
  const chunks = Array.from({ length: chunksPerConnection * options.connections }, () =>
    target.data(Array.from({ length: batchesPerCopy }, () => {
      const s = turn++ % options.sessions;
      return target.encode(sessionIds[s]!, ++nextSeq[s]!, options.events, fingers);
    })));
  const clients = await Promise.all(Array.from({ length: options.connections }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const started = performance.now();
  await Promise.all(clients.map(async (client, index) => {
    for (let i = index; i < chunks.length; i += options.connections) {
      await client.query('BEGIN');
      await pipeline(Readable.from([chunks[i]!]), client.query(copyFrom(target.sql)));
      await client.query('COMMIT');
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return (chunks.length * batchesPerCopy * options.events.length) / seconds;
}
