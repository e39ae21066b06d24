/**
 * The time rules of a session's events, shared by ingest (per batch, against the last offset
 * already received) and the import route (per chunk): offsets never go backwards in stream
 * order, and never pass MAX_SESSION_SPAN_US. Refusing, not clamping: a clamped offset would
 * be a timing the typist never made, stored as if it were real.
 */
import { MAX_SESSION_SPAN_US } from './limits.ts';

export type OffsetProblem = { code: 'SESSION_TOO_LONG' | 'OFFSET_DECREASED'; index: number; message: string };

/**
 * Why these offsets (in stream order) break the time rules, or null. `previousUs` is the
 * offset of the event just before the first one (0 when there is none).
 */
export function offsetProblem(offsets: ArrayLike<number> | ReadonlyArray<{ offsetUs: number }>, previousUs = 0): OffsetProblem | null {
  let last = previousUs;
  for (let i = 0; i < offsets.length; i++) {
    const item = offsets[i]!;
    const offset = typeof item === 'number' ? item : item.offsetUs;
    if (offset > MAX_SESSION_SPAN_US) {
      return { code: 'SESSION_TOO_LONG', index: i, message: `events[${i}].offsetUs ${offset} is beyond the longest session (${MAX_SESSION_SPAN_US} us, 6 hours)` };
    }
    if (offset < last) {
      return { code: 'OFFSET_DECREASED', index: i, message: `events[${i}].offsetUs ${offset} is before the previous event's ${last}; offsets must not decrease` };
    }
    last = offset;
  }
  return null;
}
