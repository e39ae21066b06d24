/**
 * Record definitions seen so far in one frame, keyed exactly as msgpackr's
 * decoder keys them, so the frame scanner knows what a byte 0x40–0x7f means
 * and how many values follow it. A slot without a definition makes that byte
 * a plain positive fixint, as it is for the decoder.
 *
 * msgpackr (unpack.js `read`, `recordDefinition`, `createSecondByteReader`):
 * - `d4 72 ID` defines slot ID & 0x3f; references are the single byte ID.
 * - `d5 72 ID HIGH` with HIGH = 0 defines slot ID & 0x3f and turns it "wide":
 *   every later reference to that slot is followed by a second byte; 0 means
 *   the slot itself, N > 0 means record id (ID & 0x3f) + N·32.
 * - `d5 72 ID HIGH` with HIGH > 0 defines record id (ID & 0x3f) + HIGH·32,
 *   reachable only through a wide slot.
 * The scanner only accepts ID bytes msgpackr writes (0x40–0x7f for fixext1,
 * 0x60–0x7f for fixext2), so slots of wide definitions are always 32–63 and
 * every id is non-negative.
 */

const SLOTS = 64;

export class RecordTable {
  /** Key count + 1 per slot; 0 = undefined. */
  private readonly slotKeys = new Int16Array(SLOTS);
  private readonly slotWide = new Uint8Array(SLOTS);
  /** Ids >= 64; most frames never define one, so it is created lazily. */
  private wideIds: Map<number, number> | null = null;
  private dirty = false;

  reset(): void {
    if (!this.dirty) return;
    this.slotKeys.fill(0);
    this.slotWide.fill(0);
    this.wideIds = null;
    this.dirty = false;
  }

  /** `d4 72 ID`: slot is ID & 0x3f. */
  defineShort(slot: number, keyCount: number): void {
    this.dirty = true;
    this.slotKeys[slot] = keyCount + 1;
    this.slotWide[slot] = 0;
  }

  /** `d5 72 ID HIGH`: slot is ID & 0x3f, which must be >= 32. */
  defineLong(slot: number, high: number, keyCount: number): void {
    this.dirty = true;
    if (high === 0) {
      this.slotKeys[slot] = keyCount + 1;
      this.slotWide[slot] = 1;
    } else {
      (this.wideIds ??= new Map()).set(wideId(slot, high), keyCount);
    }
  }

  /** Keys of the record in this slot, or -1 if the byte is a plain integer. */
  slotKeyCount(slot: number): number {
    return (this.slotKeys[slot] ?? 0) - 1;
  }

  /** References to this slot carry a second (high) byte. */
  isWide(slot: number): boolean {
    return this.slotWide[slot] === 1;
  }

  /** Keys of the record a wide reference `slot, high` (high > 0) names, or -1. */
  wideKeyCount(slot: number, high: number): number {
    return this.wideIds?.get(wideId(slot, high)) ?? -1;
  }
}

function wideId(slot: number, high: number): number {
  return slot + high * 32;
}
