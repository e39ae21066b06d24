import type { KeyModel, KeyModelEntry, TrendPoint } from '../../../shared/metrics/analytics-types.ts';
import type { Auth } from '../api/auth.ts';
import { Latest } from '../api/latest.ts';
import { ANALYTICS_RETRY, whenNotBusy } from '../api/when-not-busy.ts';
import { focusLetter, lessonTarget, lessonWords, recentAverageWpm, unlockedLetters } from '../typing/lesson.ts';
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
  /** Loads in flight: a new target starts one while the last may still be on its way. */
  private pending = $state(0);
  private readonly loads = new Latest((n) => (this.pending = n));
  readonly unlocked: string[] = $derived(unlockedLetters(this.keys));
  readonly focus: string = $derived(focusLetter(this.keys, this.unlocked));

  constructor(private readonly prefs: TypingPrefs) {}

  get targetWpm(): number {
    return lessonTarget(this.prefs.value.targetWpm, this.recentAverage);
  }

  /** True until every load started so far has answered, so nothing reads a model about to change. */
  get loading(): boolean {
    return this.pending > 0;
  }

  /**
   * Reads the model at the current target. Only the latest load is applied: an earlier one
   * (the old target) that answers last would otherwise put back the old target's letters.
   */
  async load(auth: Auth): Promise<void> {
    await this.loads.run(async (isCurrent) => {
      // Entering learn mode and finishing a test both ask for several reports at once.
      const retry = { ...ANALYTICS_RETRY, stop: () => !isCurrent() };
      const { trend } = await whenNotBusy(() => auth.request<{ trend: TrendPoint[] }>(`/api/analytics/trend?includeIncomplete=${this.prefs.value.countIncomplete}`), retry);
      const recentAverage = recentAverageWpm(trend);
      const target = lessonTarget(this.prefs.value.targetWpm, recentAverage);
      const { model } = await whenNotBusy(() => auth.request<{ model: KeyModel }>(`/api/analytics/keys?targetWpm=${target}`), retry);
      return { recentAverage, keys: model.keys };
    }, ({ recentAverage, keys }) => {
      this.recentAverage = recentAverage;
      this.keys = keys;
      this.version++;
    });
  }

  /** A lesson's words (learn mode's text generator). */
  words(list: readonly string[], count: number, random: () => number = Math.random): string[] {
    return lessonWords(list.length > 0 ? list : FALLBACK_WORDS, this.unlocked, this.focus, count, random);
  }
}
