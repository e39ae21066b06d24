import { GrowableBytes } from '../../server/ingest/store/growable-bytes.ts';

/**
 * Builds PostgreSQL COPY text-format rows straight into bytes, as the v1 ingest did for every
 * keystroke (building one big string and encoding it cost ~3x more: 1.34 s vs 0.46 s per
 * million rows). Ingest now writes binary COPY (server/ingest/store/copy-binary.ts); this
 * stays for the benchmarks' per-row ceiling and baseline, which measure the v1 design.
 */
export class CopyTextBuffer extends GrowableBytes {
  private readonly encoder = new TextEncoder();

  /** The rows written so far; valid until the next write. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  int(value: number): this {
    this.ensure(21);
    let n = value;
    if (n < 0) {
      this.bytes[this.length++] = 45; // '-'
      n = -n;
    }
    if (n < 10) {
      this.bytes[this.length++] = 48 + n;
      return this;
    }
    // Digits written from the right into their final place: no reversal, no string.
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    let at = this.length + digits;
    this.length = at;
    while (n > 0) {
      const digit = n % 10;
      this.bytes[--at] = 48 + digit;
      n = (n - digit) / 10;
    }
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.bytes[this.length++] = value ? 116 : 102; // 't' / 'f'
    return this;
  }

  /** A text value, escaped for COPY text format: backslash, tab, newline, carriage return. */
  text(value: string): this {
    const worstCase = value.length * 3 * 2;
    this.ensure(worstCase);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return this.textSlow(value, i);
      this.ascii(c);
    }
    return this;
  }

  tab(): this {
    this.ensure(1);
    this.bytes[this.length++] = 9;
    return this;
  }

  endRow(): this {
    this.ensure(1);
    this.bytes[this.length++] = 10;
    return this;
  }

  private ascii(c: number): void {
    switch (c) {
      case 92: this.bytes[this.length++] = 92; this.bytes[this.length++] = 92; return; // \\
      case 9: this.bytes[this.length++] = 92; this.bytes[this.length++] = 116; return; // \t
      case 10: this.bytes[this.length++] = 92; this.bytes[this.length++] = 110; return; // \n
      case 13: this.bytes[this.length++] = 92; this.bytes[this.length++] = 114; return; // \r
      default:
        if (c < 32 || c === 127) {
          // Other control characters as octal escapes, so COPY never misreads a row.
          this.bytes[this.length++] = 92;
          this.bytes[this.length++] = 48 + ((c >> 6) & 7);
          this.bytes[this.length++] = 48 + ((c >> 3) & 7);
          this.bytes[this.length++] = 48 + (c & 7);
          return;
        }
        this.bytes[this.length++] = c;
    }
  }

  // Non-ASCII (é, ß, emoji): UTF-8 bytes are never control characters, so they need no escape.
  private textSlow(value: string, from: number): this {
    for (let i = from; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x80) {
        this.ascii(c);
        continue;
      }
      const end = i + 1 < value.length && c >= 0xd800 && c <= 0xdbff ? i + 2 : i + 1;
      const { written } = this.encoder.encodeInto(value.slice(i, end), this.bytes.subarray(this.length));
      this.length += written;
      i = end - 1;
    }
    return this;
  }
}
