/**
 * Where each line of the Rolling Window starts, wrapping the text at spaces into lines of at
 * most `columns` characters. The views use a monospace font, so a column count is all the
 * layout maths needed: no text is measured in the DOM. A space that falls just past the
 * edge stays on its line (it is invisible there); a word longer than a line is cut.
 */
export function wrapLines(chars: readonly string[], columns: number): number[] {
  const width = Math.max(1, Math.floor(columns));
  const starts = [0];
  let lineStart = 0;
  let breakAt = -1; // index just after the last space on this line
  for (let i = 0; i < chars.length; i++) {
    if (i - lineStart >= width && chars[i] !== ' ') {
      lineStart = breakAt > lineStart ? breakAt : i;
      starts.push(lineStart);
      breakAt = -1;
    }
    if (chars[i] === ' ') breakAt = i + 1;
  }
  return starts;
}

/** The line holding position `pos` (binary search over the starts). */
export function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
