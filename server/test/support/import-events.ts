/**
 * Export-format events (API.md, POST /api/import) typing `text`: keydown and keyup for each
 * character, 150 ms apart, in batches of 50. Letters and spaces only.
 */
export function typedEvents(text: string) {
  return Array.from(text).flatMap((char, i) => {
    const code = char === ' ' ? 'Space' : `Key${char.toUpperCase()}`;
    return [0, 1].map((type) => {
      const n = i * 2 + type;
      return { batchSeq: Math.floor(n / 50) + 1, batchIdx: n % 50, offsetUs: i * 150_000 + type * 80_000, type, code, key: char, textPos: i, finger: 0, isError: false, flags: 0 };
    });
  });
}
