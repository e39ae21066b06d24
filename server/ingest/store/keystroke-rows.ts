import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, CopyBinaryBuffer, uuidField } from './copy-binary.ts';

/** Where ingest COPYs: one row per client batch (migration 0011, sql/SCHEMA.md). */
export const KEYSTROKE_COPY_TABLE = 'keystroke_batches';
export const KEYSTROKE_COPY_COLUMNS = 'session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits';
const FIELDS = 7;

/** The COPY statement for rows from encodeBatchRows, into keystroke_batches or a table like it. */
export function keystrokeCopySql(table: string = KEYSTROKE_COPY_TABLE): string {
  return `COPY ${table} (${KEYSTROKE_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`;
}

/** What that COPY reads: the format's header, the rows of any number of batches, its trailer. */
export function keystrokeCopyData(rows: readonly Uint8Array[]): Buffer {
  return Buffer.concat([COPY_BINARY_HEADER, ...rows, COPY_BINARY_TRAILER]);
}

// Element type oids (pg_type): fixed since PostgreSQL 7.
const INT8 = 20;
const INT2 = 21;
const INT4 = 23;
const TEXT = 25;

const scratch = new CopyBinaryBuffer(1 << 16);
const sessionIdFields = new Map<string, Uint8Array>();

/**
 * Encodes one batch as ONE binary COPY row of arrays when it arrives, not when it is
 * flushed: the encoded row is smaller than the decoded events while it waits, and the flush
 * only concatenates bytes. batch_idx is left out (NULL): the events are 0, 1, 2 ... in array
 * order. Column by column, each array in one loop: per batch, not per event, is what
 * PostgreSQL then reads, stores and indexes. Every value fits its column: the protocol
 * bounds them (shared/protocol/limits.ts) before a batch gets here.
 */
export function encodeBatchRows(sessionId: string, seq: number, events: readonly KeyEvent[], fingers: Uint8Array): Uint8Array {
  const n = events.length;
  if (n === 0) return new Uint8Array(0); // nothing to store; committed_seq still advances
  const b = scratch;
  b.reset();
  b.fieldCount(FIELDS).raw(sessionIdField(sessionId)).int32Field(seq);
  b.beginArray(INT8, n, 12);
  for (let i = 0; i < n; i++) b.int64(events[i]!.offsetUs);
  let start = b.beginArray(TEXT, n, -1);
  for (let i = 0; i < n; i++) b.text(events[i]!.code);
  b.endArray(start);
  start = b.beginArray(TEXT, n, -1);
  for (let i = 0; i < n; i++) b.text(events[i]!.key);
  b.endArray(start);
  b.beginArray(INT4, n, 8);
  for (let i = 0; i < n; i++) b.int32(events[i]!.textPos);
  b.beginArray(INT2, n, 6);
  for (let i = 0; i < n; i++) b.int16(eventBits(events[i]!, fingers[i]!));
  return b.take();
}

/**
 * What keystroke_event_bits (migration 0012) makes of one event: keyup | error << 1 |
 * finger << 2 | flags << 6. The protocol bounds flags to 0-255 and fingers are 0-10.
 */
export function eventBits(event: KeyEvent, finger: number): number {
  return event.type | (event.isError ? 2 : 0) | (finger << 2) | (event.flags << 6);
}

// The session id as a binary field, built once per session instead of once per batch.
function sessionIdField(sessionId: string): Uint8Array {
  let field = sessionIdFields.get(sessionId);
  if (!field) {
    if (sessionIdFields.size > 100_000) sessionIdFields.clear();
    field = uuidField(sessionId);
    sessionIdFields.set(sessionId, field);
  }
  return field;
}
