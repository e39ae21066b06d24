// The page's sanitising of settings (settings-model.ts, no zod) and the server's reading of
// stored settings (shared/api/settings.ts, zod) take and refuse the same values: the settings
// are defined once, and both sides must agree on what a valid one is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { effectiveSettings } from '../../../shared/api/settings.ts';
import { sanitiseSettings } from './settings-model.ts';

const CASES: Array<Record<string, unknown>> = [
  {},
  { theme: 'paper', mode: 'words', duration: 120, wordCount: 50, view: 'rolling', keyboardLayout: 'dvorak', stopOnError: true, caretStyle: 'block' },
  { theme: 'neon', mode: 'sprint', duration: 0, wordCount: 501, view: 'grid', keyboardLayout: 'qwerty', stopOnError: 'yes', caretStyle: 'none' },
  { duration: 30.5, wordCount: '25', sound: { enabled: true, volume: 1.5 } },
  { sound: { enabled: 'on', volume: 0 } },
  { sound: 'loud' },
  { wordSetId: '5f0c4b8e-3c1a-4d2b-9e7f-1a2b3c4d5e6f' },
  { wordSetId: null },
  { wordSetId: 'not-a-uuid' },
  // Hex in the right places but not an RFC 9562 UUID (version 0, variant 0): refused by both.
  { wordSetId: '12345678-1234-0234-0234-123456789abc' },
  { wordSetId: '00000000-0000-0000-0000-000000000000' },
  { colour: 'red', theme: 'high-contrast' },
];

test('the page and the server read the same settings from the same stored values', () => {
  for (const raw of CASES) assert.equal(sanitiseSettings(raw), effectiveSettings(raw), JSON.stringify(raw));
});

test.run();
