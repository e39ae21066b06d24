import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { CopyTextBuffer } from './copy-text.ts';

// The v1 layout (one row per keydown or keyup, migration 0001), kept for the benchmarks
// only: the per-row COPY ceiling the packed table is measured against, and the table the
// HTTP+INSERT baseline writes, as the original design did.

export const ROW_TABLE = 'keystrokes_v1';
export const ROW_COLUMNS = 'session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags';

/** The v1 table's DDL under another name (the analytics bench puts one in a schema of its own). */
export const createRowTable = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
  session_id uuid NOT NULL,
  batch_seq integer NOT NULL CHECK (batch_seq >= 1),
  batch_idx smallint NOT NULL CHECK (batch_idx >= 0),
  offset_us bigint NOT NULL CHECK (offset_us >= 0),
  event_type smallint NOT NULL CHECK (event_type IN (0, 1)),
  key_code text NOT NULL,
  key_value text NOT NULL,
  text_pos integer NOT NULL DEFAULT -1,
  finger smallint NOT NULL,
  is_error boolean NOT NULL DEFAULT false,
  flags smallint NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, batch_seq, batch_idx)
)`;

export const CREATE_ROW_TABLE = createRowTable(ROW_TABLE);

const scratch = new CopyTextBuffer(1 << 16);

/** One batch as v1 COPY text rows, one line per event (the v1 ingest encoder). */
export function encodeRowsV1(sessionId: string, seq: number, events: readonly KeyEvent[], fingers: Uint8Array): Uint8Array {
  scratch.reset();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    scratch.text(sessionId).tab().int(seq).tab().int(i).tab().int(e.offsetUs).tab().int(e.type).tab()
      .text(e.code).tab().text(e.key).tab().int(e.textPos).tab().int(fingers[i]!).tab()
      .bool(e.isError).tab().int(e.flags).endRow();
  }
  return scratch.view().slice();
}
