import type { KeyModel, KeyModelEntry, TrendPoint } from '../../../shared/metrics/analytics-types.ts';
import type { Auth } from '../api/auth.ts';
import { DEFAULT_TARGET_WPM, focusLetter, lessonWords, recentAverageWpm, unlockedLetters } from '../typing/lesson.ts';
import { FALLBACK_WORDS } from '../typing/fallback-words.ts';
import type { TypingPrefs } from './typing-prefs.svelte.ts';

/**
 * The learn mode's view of the typist: the per-key model at their target speed, which
 * letters are unlocked and which one the lessons lean on. The model comes from the server
 * (GET /api/analytics/keys); until it answers, or with no server, the first six letters.
 */
export class LearnState {
  keys = $state.raw<KeyModelEntry[]>([]);
  /** Mean net speed of the last ten finished tests, the default target. */
  recentAverage = $state<number | null>(null);
  /** Bumped when the model arrives, so a waiting text is made again with the new letters. */
  version = $state(0);
  readonly unlocked: string[] = $derived(unlockedLetters(this.keys));
  readonly focus: string = $derived(focusLetter(this.keys, this.unlocked));

  constructor(private readonly prefs: TypingPrefs) {}

  get targetWpm(): number {
    return this.prefs.value.targetWpm ?? this.recentAverage ?? DEFAULT_TARGET_WPM;
  }

  async load(auth: Auth): Promise<void> {
    const { trend } = await auth.request<{ trend: TrendPoint[] }>(`/api/analytics/trend?includeIncomplete=${this.prefs.value.countIncomplete}`);
    this.recentAverage = recentAverageWpm(trend);
    const { model } = await auth.request<{ model: KeyModel }>(`/api/analytics/keys?targetWpm=${Math.round(this.targetWpm)}`);
    this.keys = model.keys;
    this.version++;
  }

  /** A lesson's words (learn mode's text generator). */
  words(list: readonly string[], count: number, random: () => number = Math.random): string[] {
    return lessonWords(list.length > 0 ? list : FALLBACK_WORDS, this.unlocked, this.focus, count, random);
  }
}
