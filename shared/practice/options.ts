/**
 * What a typist can choose, shared by the API's validation and the browser's menus so the
 * two cannot drift apart. Plain data: no zod here, the browser bundle stays small.
 */

export const TYPING_MODES = ['timed', 'words', 'quote', 'custom', 'zen'] as const;
export type TypingMode = (typeof TYPING_MODES)[number];

// The layout is what the typist's operating system maps keys to. Fingers are assigned from
// the physical key (KeyboardEvent.code), so the layout only matters for display and for
// grouping results; it is recorded with each session.
export const KEYBOARD_LAYOUTS = ['qwerty-us', 'qwerty-uk', 'qwertz', 'azerty', 'dvorak', 'colemak', 'colemak-dh', 'workman'] as const;
export type KeyboardLayout = (typeof KEYBOARD_LAYOUTS)[number];

/** ticker: one line scrolling under a fixed caret; rolling: lines that scroll up as they fill. */
export const PRACTICE_VIEWS = ['ticker', 'rolling'] as const;
export type PracticeView = (typeof PRACTICE_VIEWS)[number];

export const THEMES = ['default', 'cyberpunk', 'paper', 'high-contrast'] as const;
export type Theme = (typeof THEMES)[number];

export const CARET_STYLES = ['line', 'block', 'underline', 'off'] as const;
export type CaretStyle = (typeof CARET_STYLES)[number];

/** Seconds of a timed test. */
export const DURATION_SECONDS = { min: 1, max: 300 } as const;
/** Words of a words test. */
export const WORD_COUNT = { min: 1, max: 500 } as const;
/** Characters of the text a session is typed against. */
export const PRACTICE_TEXT_MAX = 20_000;

export const WORD_SET_LIMITS = { nameMax: 100, descriptionMax: 500, wordsMax: 10_000, wordMax: 40 } as const;
