/**
 * What a new typist starts with. Plain data with no import, so the browser can take it
 * without zod entering its bundle; settings.ts (the schema) and the page's settings-model.ts
 * each give it the Settings type, so a default that is not a valid setting does not compile.
 */
export const DEFAULT_SETTINGS = {
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
} as const;
