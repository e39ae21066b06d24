import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { CopyTextBuffer } from './copy-text.ts';

export const KEYSTROKE_COPY_COLUMNS = 'session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags';

const scratch = new CopyTextBuffer(1 << 16);
const sessionIdBytes = new Map<string, Uint8Array>();
const encoder = new TextEncoder();

/**
 * Encodes one batch as COPY text rows when it arrives, not when it is flushed: the encoded
 * rows take a third of the memory of the decoded events while they wait, and the flush only
 * concatenates bytes.
 */
export function encodeBatchRows(sessionId: string, seq: number, events: readonly KeyEvent[], fingers: Uint8Array): Uint8Array {
  scratch.reset();
  const sid = sessionIdField(sessionId);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    scratch.raw(sid).int(seq).tab().int(i).tab().int(e.offsetUs).tab().int(e.type).tab()
      .text(e.code).tab().text(e.key).tab().int(e.textPos).tab().int(fingers[i]!).tab()
      .bool(e.isError).tab().int(e.flags).endRow();
  }
  return scratch.view().slice();
}

// The session id with its trailing tab, encoded once per session instead of once per row.
function sessionIdField(sessionId: string): Uint8Array {
  let bytes = sessionIdBytes.get(sessionId);
  if (!bytes) {
    if (sessionIdBytes.size > 100_000) sessionIdBytes.clear();
    bytes = encoder.encode(`${sessionId}\t`);
    sessionIdBytes.set(sessionId, bytes);
  }
  return bytes;
}
