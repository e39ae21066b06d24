import { QUOTE_DATA } from './quote-data.ts';

export interface Quote {
  text: string;
  /** Author and work. */
  source: string;
}

/** Quote lengths to choose from, by characters: short under 100, medium under 250, long the rest. */
export type QuoteLength = 'any' | 'short' | 'medium' | 'long';
export const QUOTE_LENGTHS: readonly QuoteLength[] = ['any', 'short', 'medium', 'long'];

export const QUOTES: readonly Quote[] = QUOTE_DATA.map(([text, source]) => ({ text, source }));

export function quoteLengthOf(text: string): Exclude<QuoteLength, 'any'> {
  return text.length < 100 ? 'short' : text.length < 250 ? 'medium' : 'long';
}

/** A random quote of the chosen length. */
export function pickQuote(length: QuoteLength, random: () => number): Quote {
  const pool = length === 'any' ? QUOTES : QUOTES.filter((q) => quoteLengthOf(q.text) === length);
  return pool[Math.floor(random() * pool.length)]!;
}

const BY_TEXT = new Map(QUOTES.map((q) => [q.text, q.source]));

/** Who wrote a practice text, when it is one of the quotes. */
export function quoteSource(text: string): string | null {
  return BY_TEXT.get(text) ?? null;
}
