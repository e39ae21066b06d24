import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ExportFormat } from './export-sql.ts';

const LF = 0x0a;

/** Longest an export's COPY may run (a download on a slow line included): 10 minutes. */
export const EXPORT_STATEMENT_TIMEOUT_MS = 600_000;

/**
 * Streams a COPY ... TO STDOUT to the caller without holding the result: rows flow from
 * PostgreSQL to the socket with backpressure. The client belongs to the stream until it
 * ends; a stream cut short (the browser went away) discards the connection rather than
 * returning it to the pool mid-COPY.
 */
export async function copyOut(pool: pg.Pool, sql: string, format: ExportFormat): Promise<Readable> {
  const client = await pool.connect();
  // A COPY runs as long as the download does: the pool's request timeout would cut a large
  // export on a slow line. It gets its own bound, and the connection, whose session setting
  // was changed, is closed afterwards instead of going back to the pool.
  try {
    await client.query(`SET statement_timeout = ${EXPORT_STATEMENT_TIMEOUT_MS}`);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error ?? true);
  };
  const out = new PassThrough();
  const source = client.query(copyTo(sql));
  const done = format === 'json' ? pipeline(source, jsonArray(), out) : pipeline(source, out);
  done.then(
    () => release(),
    (error: Error) => {
      release(error);
      out.destroy(error);
    },
  );
  out.once('close', () => {
    if (!source.readableEnded) source.destroy(new Error('export cancelled'));
  });
  return out;
}

/**
 * One JSON text per line in, a JSON array out: "[", the rows joined by ",\n", "]". Line
 * feeds are the row ends (JSON text has none of its own), found byte by byte, so a row
 * split across chunks is passed through untouched.
 */
export function jsonArray(): Transform {
  let pendingSeparator = false;
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts: Buffer[] = [];
      if (!started) {
        parts.push(Buffer.from('[\n'));
        started = true;
      }
      let from = 0;
      for (let i = 0; i <= chunk.length; i++) {
        if (i < chunk.length && chunk[i] !== LF) continue;
        if (i > from) {
          if (pendingSeparator) parts.push(Buffer.from(',\n'));
          pendingSeparator = false;
          parts.push(chunk.subarray(from, i));
        }
        if (i < chunk.length) pendingSeparator = true;
        from = i + 1;
      }
      done(null, Buffer.concat(parts));
    },
    flush(done) {
      done(null, Buffer.from(started ? '\n]\n' : '[]\n'));
    },
  });
}
