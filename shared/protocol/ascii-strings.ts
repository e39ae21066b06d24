/** Slots in the table: key codes and key values are a few hundred distinct strings. */
const SLOTS = 4096;

/**
 * Short ASCII strings read from frames, one string object per distinct value instead of one
 * per event. A batch of 64 events holds 128 strings, nearly all of them seen before ("KeyA",
 * "a", "ShiftLeft"); reusing them spares the allocation, and the hash V8 keeps on a string
 * is then computed once, not at every Map lookup by key code in the live figures. A slot
 * holds the last string that hashed to it; a miss builds the string and takes the slot.
 */
export class AsciiStrings {
  private readonly table = new Array<string | undefined>(SLOTS).fill(undefined);

  /** bytes[start..end) as a string; every byte must be below 0x80. */
  get(bytes: Uint8Array, start: number, end: number): string {
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const slot = (hash >>> 0) & (SLOTS - 1);
    const known = this.table[slot];
    if (known !== undefined && known.length === end - start && sameChars(known, bytes, start)) return known;
    const text = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
    this.table[slot] = text;
    return text;
  }
}

function sameChars(text: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
