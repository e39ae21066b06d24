import type { Auth } from '../api/auth.ts';
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

  constructor(private readonly storage: Storage = localStorage) {}

  async attach(auth: Auth): Promise<void> {
    this.auth = auth;
    this.list = await listWordSets(auth);
  }

  /** Loads the set's words (cache first); null or an unknown set means the built-in list. */
  async choose(id: string | null): Promise<void> {
    if (id === null) {
      this.loadedId = null;
      this.words = [];
      return;
    }
    const cached = this.storage.getItem(CACHE_PREFIX + id);
    if (cached) this.use(id, JSON.parse(cached) as string[]);
    if (!this.auth) return;
    const words = await wordSetWords(this.auth, id);
    this.use(id, words);
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

  private use(id: string, words: string[]): void {
    this.loadedId = id;
    this.words = words;
  }
}
