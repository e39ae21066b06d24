import { KeyFlags } from '../../../shared/protocol/key-event.ts';

/** The parts of a DOM KeyboardEvent the flags are read from (a plain object in tests). */
export interface FlagSource {
  repeat: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  isComposing: boolean;
  key: string;
  getModifierState?(key: string): boolean;
}

/**
 * The KeyFlags bitmask of one DOM key event, sampled when it fires. Chromium reports the
 * keydown of a key that opens or continues an IME composition with key "Process" and
 * isComposing false on the very first one, so "Process" counts as composing too: without
 * it the first key of every composition would read as a wrong character.
 */
export function flagsOf(event: FlagSource): number {
  let flags = 0;
  if (event.repeat) flags |= KeyFlags.REPEAT;
  if (event.shiftKey) flags |= KeyFlags.SHIFT;
  if (event.ctrlKey) flags |= KeyFlags.CTRL;
  if (event.altKey) flags |= KeyFlags.ALT;
  if (event.metaKey) flags |= KeyFlags.META;
  if (event.getModifierState?.('CapsLock')) flags |= KeyFlags.CAPS_LOCK;
  if (event.isComposing || event.key === 'Process') flags |= KeyFlags.COMPOSING;
  return flags;
}
