/**
 * A key event as stored in the `keystrokes` table, the input of every analytics figure.
 * The TypeScript reference and the SQL read exactly these fields, so they can be compared.
 */
export interface StoredKeystroke {
  batchSeq: number;
  batchIdx: number;
  /** Microseconds since the session's first keydown. */
  offsetUs: number;
  /** 0 keydown, 1 keyup. */
  type: 0 | 1;
  /** `KeyboardEvent.code`, the physical key. */
  code: string;
  /** `KeyboardEvent.key`, what it produced. */
  key: string;
  /** Index (in code points) into the practice text; -1 when none. */
  textPos: number;
  /** Assigned by the server from `code` (fingers.ts); 10 when unknown. */
  finger: number;
  isError: boolean;
  flags: number;
}

/**
 * The one order of a session's events: capture time, then arrival (batch, index in batch).
 * Batches can arrive out of order and two events can share a microsecond; this total order
 * is what SQL uses too (`ORDER BY offset_us, batch_seq, batch_idx`), so pairing agrees.
 */
export function streamOrder(a: StoredKeystroke, b: StoredKeystroke): number {
  return a.offsetUs - b.offsetUs || a.batchSeq - b.batchSeq || a.batchIdx - b.batchIdx;
}
