import { MAX_TARGET_WPM } from '../../../shared/api/analytics-limits.ts';
import { MIN_TARGET_WPM } from '../typing/lesson.ts';
import { QUOTE_LENGTHS, type QuoteLength } from '../typing/quotes.ts';
import { BACKSPACE_INTO, DEFAULT_RULES, STOP_ON, type BackspaceInto, type StopOn, type TypingRules } from '../typing/typing-rules.ts';

const STORAGE_KEY = 'ff-typing-prefs';

export interface TypingPrefsValue extends TypingRules {
  /** Tests stopped early count in averages, the trend and bests (off: they are left out). */
  countIncomplete: boolean;
  /** A screen reader hears the next key (off: nothing is announced while typing). */
  announce: boolean;
  /** Timed and words modes: punctuation and numbers among the words. */
  punctuation: boolean;
  numbers: boolean;
  /** Quote mode: which lengths to draw from. */
  quoteLength: QuoteLength;
  /** Learn mode (keybr-style lessons over the unlocked letters) instead of random words. */
  lesson: 'off' | 'learn';
  /** The speed a letter must reach, wpm; null: the typist's recent average. */
  targetWpm: number | null;
}

const DEFAULTS: TypingPrefsValue = { ...DEFAULT_RULES, countIncomplete: false, announce: false, punctuation: false, numbers: false, quoteLength: 'any', lesson: 'off', targetWpm: null };

/**
 * How strict typing is and what counts in the figures: this device's choices (the account
 * settings API has no fields for them yet), applied at once and kept in localStorage.
 */
export class TypingPrefs {
  value = $state<TypingPrefsValue>({ ...DEFAULTS });

  constructor(private readonly storage: Storage = localStorage) {
    this.value = sanitise(read(storage));
  }

  update(patch: Partial<TypingPrefsValue>): void {
    this.value = sanitise({ ...$state.snapshot(this.value), ...patch });
    this.storage.setItem(STORAGE_KEY, JSON.stringify(this.value));
  }

  rules(): TypingRules {
    return { stopOn: this.value.stopOn, backspaceInto: this.value.backspaceInto };
  }
}

function sanitise(raw: unknown): TypingPrefsValue {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    stopOn: STOP_ON.includes(source.stopOn as StopOn) ? (source.stopOn as StopOn) : DEFAULTS.stopOn,
    backspaceInto: BACKSPACE_INTO.includes(source.backspaceInto as BackspaceInto) ? (source.backspaceInto as BackspaceInto) : DEFAULTS.backspaceInto,
    countIncomplete: typeof source.countIncomplete === 'boolean' ? source.countIncomplete : DEFAULTS.countIncomplete,
    announce: typeof source.announce === 'boolean' ? source.announce : DEFAULTS.announce,
    punctuation: typeof source.punctuation === 'boolean' ? source.punctuation : DEFAULTS.punctuation,
    numbers: typeof source.numbers === 'boolean' ? source.numbers : DEFAULTS.numbers,
    lesson: source.lesson === 'learn' ? 'learn' : 'off',
    targetWpm: Number.isInteger(source.targetWpm) && (source.targetWpm as number) >= MIN_TARGET_WPM && (source.targetWpm as number) <= MAX_TARGET_WPM ? (source.targetWpm as number) : null,
    quoteLength: QUOTE_LENGTHS.includes(source.quoteLength as QuoteLength) ? (source.quoteLength as QuoteLength) : DEFAULTS.quoteLength,
  };
}

function read(storage: Storage): unknown {
  try {
    return JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null');
  } catch (error) {
    console.warn('ignoring unreadable typing preferences', error);
    return null;
  }
}
