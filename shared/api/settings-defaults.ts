import type { Settings } from './settings.ts';

/**
 * What a new typist starts with. Plain data, apart from the schema (settings.ts), so the
 * browser can take it without zod entering its bundle.
 */
export const DEFAULT_SETTINGS: Settings = {
  theme: 'default',
  mode: 'timed',
  duration: 30,
  wordCount: 25,
  view: 'ticker',
  wordSetId: null,
  keyboardLayout: 'qwerty-us',
  sound: { enabled: false, volume: 0.5 },
  stopOnError: false,
  caretStyle: 'line',
};
