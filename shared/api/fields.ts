import { z } from 'zod';
import { CARET_STYLES, DURATION_SECONDS, KEYBOARD_LAYOUTS, PRACTICE_VIEWS, THEMES, TYPING_MODES, WORD_COUNT } from '../practice/options.ts';

// The zod pieces that sessions, settings and word sets share, built from the lists in
// shared/practice so the browser's menus and the API accept the same values.

export const typingMode = z.enum(TYPING_MODES);
export const keyboardLayout = z.enum(KEYBOARD_LAYOUTS);
export const practiceView = z.enum(PRACTICE_VIEWS);
export const theme = z.enum(THEMES);
export const caretStyle = z.enum(CARET_STYLES);
export const durationSeconds = z.int().min(DURATION_SECONDS.min).max(DURATION_SECONDS.max);
export const wordCount = z.int().min(WORD_COUNT.min).max(WORD_COUNT.max);

/**
 * Text stored in PostgreSQL. A NUL character is valid JSON but PostgreSQL cannot store it
 * in text or jsonb and would answer with an error (a 500); refusing it here makes it a 400.
 */
export function storableText(max: number) {
  return z.string().max(max).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
}

/** A one-line name: trimmed, no control characters. */
export function displayName(max: number) {
  return z.string().trim().min(1).max(max).refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');
}

/** A query-string whole number: "20", not "20.5", "", "1e2" or a repeated parameter. */
export function queryInt(min: number, max: number) {
  return z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));
}

/** An instant in a query string; a bare date means its midnight UTC. */
export const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO date or date-time' }).transform((s) => new Date(s));
