import { z } from 'zod';
import { caretStyle, durationSeconds, keyboardLayout, practiceView, theme, typingMode, wordCount } from './fields.ts';
import { DEFAULT_SETTINGS as DEFAULTS } from './settings-defaults.ts';

/** Saved settings as stored (jsonb): anything, checked key by key on read. */
type StoredSettings = Record<string, unknown>;

const sound = z.object({ enabled: z.boolean(), volume: z.number().min(0).max(1) });

/** Each setting and what it may hold. */
const fields = {
  theme,
  mode: typingMode,
  duration: durationSeconds,
  wordCount,
  view: practiceView,
  /** null: the practice page's default list. */
  wordSetId: z.uuid().nullable(),
  keyboardLayout,
  sound,
  stopOnError: z.boolean(),
  caretStyle,
};

/** The settings of an account (GET/PATCH /api/settings); the one definition, client and server. */
export type Settings = { [K in keyof typeof fields]: z.infer<(typeof fields)[K]> };
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = DEFAULTS;

/** A PATCH: any known setting, `sound` in part; an unknown key is refused, not stored. */
export const settingsPatch = z
  .object({
    theme: fields.theme.optional(),
    mode: fields.mode.optional(),
    duration: fields.duration.optional(),
    wordCount: fields.wordCount.optional(),
    view: fields.view.optional(),
    wordSetId: fields.wordSetId.optional(),
    keyboardLayout: fields.keyboardLayout.optional(),
    sound: sound.partial().strict().optional(),
    stopOnError: fields.stopOnError.optional(),
    caretStyle: fields.caretStyle.optional(),
  })
  .strict();
export type SettingsPatch = z.input<typeof settingsPatch>;

/** The answer of GET and PATCH /api/settings. */
export const settingsAnswer = z.strictObject({ settings: z.strictObject({ ...fields, sound: sound.strict() }) });

/**
 * The defaults with what the user stored on top, key by key. A stored value that is no
 * longer valid (a theme since removed, say) falls back to its default instead of reaching
 * the page, and keys no version knows are left out.
 */
export function effectiveSettings(stored: StoredSettings): Settings {
  const pick = <K extends keyof Settings>(key: K): Settings[K] => {
    const parsed = fields[key].safeParse(stored[key]);
    return parsed.success ? (parsed.data as Settings[K]) : DEFAULT_SETTINGS[key];
  };
  const storedSound = (typeof stored.sound === 'object' && stored.sound !== null ? stored.sound : {}) as Record<string, unknown>;
  const soundPart = <K extends keyof Settings['sound']>(key: K): Settings['sound'][K] => {
    const parsed = sound.shape[key].safeParse(storedSound[key]);
    return parsed.success ? (parsed.data as Settings['sound'][K]) : DEFAULT_SETTINGS.sound[key];
  };
  return {
    theme: pick('theme'),
    mode: pick('mode'),
    duration: pick('duration'),
    wordCount: pick('wordCount'),
    view: pick('view'),
    wordSetId: pick('wordSetId'),
    keyboardLayout: pick('keyboardLayout'),
    sound: { enabled: soundPart('enabled'), volume: soundPart('volume') },
    stopOnError: pick('stopOnError'),
    caretStyle: pick('caretStyle'),
  };
}
