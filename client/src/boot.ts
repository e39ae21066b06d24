import { Auth } from './api/auth.ts';
import { SessionApi } from './api/session-api.ts';
import { KeySounds } from './sound/key-sounds.ts';
import { AccountState } from './state/account.svelte.ts';
import { ConnectionState } from './state/connection.svelte.ts';
import { SettingsState } from './state/settings.svelte.ts';
import { TypingPrefs } from './state/typing-prefs.svelte.ts';
import { LearnState } from './state/learn.svelte.ts';
import { TypingTest } from './state/typing-test.svelte.ts';
import { WordSetsState } from './state/word-sets.svelte.ts';
import { backoffDelayMs } from './transport/backoff.ts';
import { DeferredOutboxStore } from './transport/deferred-store.ts';
import { Delivery } from './transport/delivery.ts';
import { IdbOutboxStore } from './transport/idb-outbox-store.ts';
import { MemoryOutboxStore } from './transport/memory-outbox-store.ts';
import { openBrowserSocket } from './transport/socket-like.ts';
import { Router } from './router/router.svelte.ts';

/** Everything the page runs on, built once: the composition root of the client. */
export interface AppServices {
  auth: Auth;
  sessions: SessionApi;
  settings: SettingsState;
  wordSets: WordSetsState;
  connection: ConnectionState;
  delivery: Delivery;
  sounds: KeySounds;
  test: TypingTest;
  account: AccountState;
  router: Router;
  prefs: TypingPrefs;
  learn: LearnState;
}

export function createServices(): AppServices {
  const auth = new Auth();
  const sessions = new SessionApi(auth);
  const settings = new SettingsState();
  const wordSets = new WordSetsState();
  const connection = new ConnectionState();
  const store = new DeferredOutboxStore(
    IdbOutboxStore.open().catch((error) => {
      console.error('IndexedDB unavailable: the outbox lives in memory only', error);
      return new MemoryOutboxStore();
    }),
  );
  const delivery = new Delivery({ store, api: sessions, openSocket: openBrowserSocket, storage: localStorage, locks: navigator.locks, currentUser: () => auth.userId }, (status) => connection.apply(status));
  const sounds = new KeySounds();
  const prefs = new TypingPrefs();
  const learn = new LearnState(prefs);
  const router = new Router();
  const test = new TypingTest({
    delivery, sounds,
    settings: () => settings.value,
    customText: () => settings.customText,
    wordSet: () => ({ id: wordSets.knownId, words: wordSets.words }),
    userId: () => auth.userId,
    rules: () => prefs.rules(),
    active: () => router.route.name === 'typing',
    textOptions: () => ({
      punctuation: prefs.value.punctuation, numbers: prefs.value.numbers, quoteLength: prefs.value.quoteLength,
      lesson: prefs.value.lesson === 'learn' ? (words, count) => learn.words(words, count) : null,
    }),
  });
  const account = new AccountState(auth);
  auth.onsignedout = () => (account.signedOut = true);
  // Who is signed in changed: the account header and the settings follow at once (no reload),
  // and whoever is signed in now gets the sessions they typed before that are still waiting.
  auth.onchange = () => void account.reload().then(async () => {
    await settings.attach(auth, account.user?.isAnonymous ?? true).catch((error: unknown) => console.warn('settings not loaded', error));
    await delivery.drainEarlier(auth.userId);
    delivery.retryNow();
  });
  return { auth, sessions, settings, wordSets, connection, delivery, sounds, test, account, router, prefs, learn };
}

/**
 * What needs the server, in the background: sign-in (refresh or anonymous), the account's
 * settings, word sets, and the sessions earlier page loads left in the outbox. Typing never
 * waits for any of it; with the server away this retries with backoff.
 */
export async function connectInBackground(services: AppServices): Promise<void> {
  const { auth, settings, wordSets, delivery, account, connection } = services;
  void delivery.countEarlier().catch((error) => console.error('outbox count failed', error));
  for (let attempt = 0; ; attempt++) {
    try {
      await auth.token();
      connection.reachable(true);
      break;
    } catch (error) {
      connection.reachable(false);
      console.warn('not signed in yet', error);
      await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, Math.random, 1000, 15_000)));
    }
  }
  await Promise.allSettled([
    account.reload().then(() => settings.attach(auth, account.user?.isAnonymous ?? true)),
    wordSets.attach(auth).then(() => wordSets.choose(settings.value.wordSetId)),
  ]).then((results) => results.forEach((r) => r.status === 'rejected' && console.warn('background load failed', r.reason)));
  await delivery.drainEarlier(auth.userId);
}

/** Page lifecycle: journal the outbox on the way out, retry at once when back online. */
export function watchPage(services: AppServices): void {
  window.addEventListener('pagehide', () => services.delivery.pageHide());
  window.addEventListener('online', () => services.delivery.retryNow());
  // A page restored from the back/forward cache has closed its sockets on pagehide.
  window.addEventListener('pageshow', (event) => event.persisted && location.reload());
}
