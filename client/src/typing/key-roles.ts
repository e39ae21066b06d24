import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import type { CapturedKey } from '../capture/key-record.ts';

/**
 * A keydown that opens a test: a character typed for real (no shortcut, no auto-repeat), or
 * the first key of an IME composition, whose text only arrives when the composition ends.
 */
export function startsTest(record: CapturedKey): boolean {
  if ((record.flags & (KeyFlags.CTRL | KeyFlags.META | KeyFlags.REPEAT)) !== 0) return false;
  return (record.flags & KeyFlags.COMPOSING) !== 0 || Array.from(record.key).length === 1;
}

/**
 * Whether the browser's own handling of a key is suppressed while typing: characters,
 * Backspace and Enter (which would edit the hidden field or scroll the page) are. Shortcuts
 * (Ctrl+R, F5) are not, and neither are dead keys and IME keys: suppressing them would
 * break the composition that produces "ê" or "日本".
 */
export function consumes(record: CapturedKey): boolean {
  if ((record.flags & (KeyFlags.COMPOSING | KeyFlags.META)) !== 0) return false;
  if (record.key === 'Dead' || record.key === 'Process') return false;
  if ((record.flags & KeyFlags.CTRL) !== 0 && (record.flags & KeyFlags.ALT) === 0) return record.key === 'Backspace';
  return Array.from(record.key).length === 1 || record.key === 'Backspace' || record.key === 'Enter';
}
