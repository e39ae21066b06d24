/**
 * A byte buffer that doubles when a write would overflow it. The COPY encoders write every
 * row into one of these and reuse it, so a batch costs no allocation until its bytes are
 * taken.
 */
export class GrowableBytes {
  protected bytes: Uint8Array;
  protected length = 0;

  constructor(initialBytes = 1 << 16) {
    this.bytes = new Uint8Array(initialBytes);
  }

  get byteLength(): number {
    return this.length;
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `extra` more bytes. */
  protected ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.replaced();
  }

  /** Called after `bytes` was replaced by a larger buffer (a subclass's views over it are stale). */
  protected replaced(): void {}
}
