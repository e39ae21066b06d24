/** A word of the practice text: its letters are [start, end); `end` is the space after it, or the text's length. */
export interface WordSpan {
  start: number;
  end: number;
}

/** The words of a text split at single spaces (practice texts have one space between words). */
export function wordSpans(chars: readonly string[]): WordSpan[] {
  const spans: WordSpan[] = [];
  let start = 0;
  for (let i = 0; i <= chars.length; i++) {
    if (i === chars.length || chars[i] === ' ') {
      spans.push({ start, end: i });
      start = i + 1;
    }
  }
  return spans;
}
