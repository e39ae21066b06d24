import { CARET_STYLES, DURATION_SECONDS, KEYBOARD_LAYOUTS, PRACTICE_VIEWS, THEMES, TYPING_MODES, WORD_COUNT } from '../../../shared/practice/options.ts';
// The settings and their defaults are the API's (shared/api): types only from the schema
// file, so zod stays out of the page's bundle; the defaults are plain data.
import type { SettingKey, Settings } from '../../../shared/api/settings.ts';
import { DEFAULT_SETTINGS as DEFAULTS } from '../../../shared/api/settings-defaults.ts';

export type { SettingKey, Settings };
export const DEFAULT_SETTINGS: Settings = DEFAULTS;

const oneOf = <T extends string>(list: readonly T[]) => (v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);
const intIn = (range: { min: number; max: number }) => (v: unknown): v is number => Number.isInteger(v) && (v as number) >= range.min && (v as number) <= range.max;
// An RFC 9562 UUID, nil and max included: what the server's z.uuid() takes (settings-agreement.test.ts).
const UUID = /^([0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;

const CHECKS: { [K in Exclude<SettingKey, 'sound'>]: (v: unknown) => boolean } = {
  theme: oneOf(THEMES), mode: oneOf(TYPING_MODES), duration: intIn(DURATION_SECONDS), wordCount: intIn(WORD_COUNT),
  view: oneOf(PRACTICE_VIEWS), wordSetId: (v) => v === null || (typeof v === 'string' && UUID.test(v)),
  keyboardLayout: oneOf(KEYBOARD_LAYOUTS), stopOnError: (v) => typeof v === 'boolean', caretStyle: oneOf(CARET_STYLES),
};

/**
 * Settings from an untrusted source (localStorage written by an older page, or the
 * server): each valid key is taken, anything else keeps the fallback's value.
 */
export function sanitiseSettings(raw: unknown, fallback: Settings = DEFAULT_SETTINGS): Settings {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out = structuredClone(fallback);
  for (const key of Object.keys(CHECKS) as (keyof typeof CHECKS)[]) {
    if (CHECKS[key](source[key])) (out as unknown as Record<string, unknown>)[key] = source[key];
  }
  const sound = (source.sound && typeof source.sound === 'object' ? source.sound : {}) as Record<string, unknown>;
  if (typeof sound.enabled === 'boolean') out.sound.enabled = sound.enabled;
  if (typeof sound.volume === 'number' && sound.volume >= 0 && sound.volume <= 1) out.sound.volume = sound.volume;
  return out;
}
