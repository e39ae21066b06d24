import type { Auth } from '../api/auth.ts';
import { Latest } from '../api/latest.ts';
import { listWordSets, wordSetWords, type WordSetSummary } from '../api/practice-api.ts';

const CACHE_PREFIX = 'ff-words:';

/**
 * The word sets a test can draw from. The chosen set's words are cached in localStorage so a
 * later visit can start at once, offline included; until they load the built-in list is used.
 */
export class WordSetsState {
  list = $state.raw<WordSetSummary[]>([]);
  /** The set whose words are loaded, or null for the built-in list. */
  loadedId = $state<string | null>(null);
  words = $state.raw<readonly string[]>([]);
  private auth: Auth | null = null;
  private pending = $state(0);
  private readonly loads = new Latest((n) => (this.pending = n));

  constructor(private readonly storage: Storage = localStorage) {}

  async attach(auth: Auth): Promise<void> {
    this.auth = auth;
    this.list = await listWordSets(auth);
  }

  /**
   * Loads the set's words (cache first); null or an unknown set means the built-in list. A
   * set chosen while another's words are on their way wins: the other's late answer is dropped.
   */
  async choose(id: string | null): Promise<void> {
    await this.loads.run(async () => {
      if (id === null) return [];
      const cached = this.storage.getItem(CACHE_PREFIX + id);
      if (cached) this.use(id, JSON.parse(cached) as string[]);
      return this.auth ? wordSetWords(this.auth, id) : null;
    }, (words) => {
      if (words === null) return;
      this.use(id, words);
      if (id !== null) this.cache(id, words);
    });
  }

  /** True while a chosen set's words are on their way. */
  get loading(): boolean {
    return this.pending > 0;
  }

  private cache(id: string, words: readonly string[]): void {
    try {
      this.storage.setItem(CACHE_PREFIX + id, JSON.stringify(words));
    } catch (error) {
      console.warn('word set not cached (storage full)', error);
    }
  }

  /** The id to record with a session: only a set the server listed, so creation cannot fail on it. */
  get knownId(): string | null {
    return this.list.some((s) => s.id === this.loadedId) ? this.loadedId : null;
  }

  /**
   * Words equal to those shown keep the same array: a new one, even empty, would make the
   * typing page draw a new text under the typist's eyes (the cache, then the server, then the
   * account's settings all answer at start-up with the same words).
   */
  private use(id: string | null, words: readonly string[]): void {
    this.loadedId = id;
    const same = words.length === this.words.length && words.every((w, i) => w === this.words[i]);
    if (!same) this.words = words;
  }
}
