import { PRACTICE_TEXT_MAX, type TypingMode } from '../../../shared/practice/options.ts';
import { FALLBACK_WORDS } from './fallback-words.ts';
import { QUOTES } from './quotes.ts';

export interface TextRequest {
  mode: TypingMode;
  /** Seconds of a timed test. */
  duration: number;
  /** Words of a words test. */
  wordCount: number;
  /** The chosen word set's words; the built-in list when empty. */
  words: readonly string[];
  customText: string;
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
      return QUOTES[Math.floor(random() * QUOTES.length)]!.text;
    case 'custom':
      return normaliseCustomText(request.customText) || QUOTES[0]!.text;
    case 'words':
      return randomWords(request.words, request.wordCount, random);
    default:
      return randomWords(request.words, timedWordCount(request.duration), random);
  }
}

/** One line of text: runs of whitespace become one space (the views show a single line of flow). */
export function normaliseCustomText(text: string): string {
  return Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, PRACTICE_TEXT_MAX).join('');
}

function randomWords(source: readonly string[], count: number, random: () => number): string {
  const words = source.length > 0 ? source : FALLBACK_WORDS;
  const out: string[] = [];
  let length = 0;
  let previous = '';
  while (out.length < count) {
    let word = words[Math.floor(random() * words.length)]!;
    // The same word twice in a row reads as a stutter; one retry is enough to make it rare.
    if (word === previous && words.length > 1) word = words[Math.floor(random() * words.length)]!;
    length += word.length + 1;
    if (length > PRACTICE_TEXT_MAX) break;
    out.push(word);
    previous = word;
  }
  return out.join(' ');
}
