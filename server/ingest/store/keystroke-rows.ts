import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { CopyTextBuffer } from './copy-text.ts';

/** Where ingest COPYs: one row per client batch (migration 0011, sql/SCHEMA.md). */
export const KEYSTROKE_COPY_TABLE = 'keystroke_batches';
export const KEYSTROKE_COPY_COLUMNS = 'session_id, batch_seq, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags';

const scratch = new CopyTextBuffer(1 << 16);
const sessionIdBytes = new Map<string, Uint8Array>();
const encoder = new TextEncoder();
const OPEN = 123; // {
const CLOSE = 125; // }
const COMMA = 44;

/**
 * Encodes one batch as ONE COPY text row of array literals when it arrives, not when it is
 * flushed: the encoded row takes a third of the memory of the decoded events while it waits,
 * and the flush only concatenates bytes. batch_idx is left out (NULL): the events are 0, 1,
 * 2 ... in array order. Column by column, each array in one loop: per batch, not per event,
 * is what PostgreSQL then parses, stores and indexes.
 */
export function encodeBatchRows(sessionId: string, seq: number, events: readonly KeyEvent[], fingers: Uint8Array): Uint8Array {
  const n = events.length;
  if (n === 0) return new Uint8Array(0); // nothing to store; committed_seq still advances
  scratch.reset();
  scratch.raw(sessionIdField(sessionId)).int(seq).tab();
  scratch.byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).int(events[i]!.offsetUs);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).int(events[i]!.type);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).arrayText(events[i]!.code);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).arrayText(events[i]!.key);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).int(events[i]!.textPos);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).int(fingers[i]!);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).bool(events[i]!.isError);
  scratch.byte(CLOSE).tab().byte(OPEN);
  for (let i = 0; i < n; i++) (i ? scratch.byte(COMMA) : scratch).int(events[i]!.flags);
  scratch.byte(CLOSE).endRow();
  return scratch.view().slice();
}

// The session id with its trailing tab, encoded once per session instead of once per batch.
function sessionIdField(sessionId: string): Uint8Array {
  let bytes = sessionIdBytes.get(sessionId);
  if (!bytes) {
    if (sessionIdBytes.size > 100_000) sessionIdBytes.clear();
    bytes = encoder.encode(`${sessionId}\t`);
    sessionIdBytes.set(sessionId, bytes);
  }
  return bytes;
}
