import { PRACTICE_TEXT_MAX, type TypingMode } from '../../../shared/practice/options.ts';
import { FALLBACK_WORDS } from './fallback-words.ts';
import { decorateWords, type WordDecoration } from './decorate-words.ts';
import { pickQuote, QUOTES, type QuoteLength } from './quotes.ts';

export interface TextRequest {
  mode: TypingMode;
  /** Seconds of a timed test. */
  duration: number;
  /** Words of a words test. */
  wordCount: number;
  /** The chosen word set's words; the built-in list when empty. */
  words: readonly string[];
  customText: string;
  /** Quote mode: the length to pick from. */
  quoteLength?: QuoteLength;
  /** Timed and words modes: punctuation and numbers among the words. */
  decoration?: WordDecoration;
  random?: () => number;
}

/**
 * Words for a timed test: enough for 250 wpm over the whole duration, so nobody reaches the
 * end, within the 20,000 characters a session may store.
 */
function timedWordCount(seconds: number): number {
  return Math.max(40, Math.ceil((seconds / 60) * 250));
}

export function practiceText(request: TextRequest): string {
  const random = request.random ?? Math.random;
  switch (request.mode) {
    case 'quote':
      return pickQuote(request.quoteLength ?? 'any', random).text;
    case 'custom':
      return normaliseCustomText(request.customText) || QUOTES[0]!.text;
    case 'words':
      return randomWords(request.words, request.wordCount, random, request.decoration);
    default:
      return randomWords(request.words, timedWordCount(request.duration), random, request.decoration);
  }
}

/** One line of text: runs of whitespace become one space (the views show a single line of flow). */
export function normaliseCustomText(text: string): string {
  return Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, PRACTICE_TEXT_MAX).join('');
}

function randomWords(source: readonly string[], count: number, random: () => number, decoration?: WordDecoration): string {
  const words = source.length > 0 ? source : FALLBACK_WORDS;
  const out: string[] = [];
  let length = 0;
  let previous = '';
  while (out.length < count) {
    let word = words[Math.floor(random() * words.length)]!;
    // The same word twice in a row reads as a stutter; one retry is enough to make it rare.
    if (word === previous && words.length > 1) word = words[Math.floor(random() * words.length)]!;
    out.push(word);
    previous = word;
  }
  const decorated = decoration && (decoration.punctuation || decoration.numbers) ? decorateWords(out, decoration, random) : out;
  // Within the characters a session may store (punctuation makes words longer).
  const kept: string[] = [];
  for (const word of decorated) {
    length += word.length + 1;
    if (length > PRACTICE_TEXT_MAX + 1) break;
    kept.push(word);
  }
  return kept.join(' ');
}
