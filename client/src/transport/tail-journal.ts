import type { OutboxBatch, OutboxSession, OutboxStore } from './outbox-types.ts';

const PREFIX = 'ff-outbox-tail:';

interface Tail {
  session: OutboxSession;
  batches: OutboxBatch[];
}

/**
 * The synchronous safety net under the IndexedDB outbox. IndexedDB writes are asynchronous,
 * and a page being unloaded (reload, tab closed, navigation) may die before the last ones
 * commit. On pagehide the page cuts its pending events into a batch and writes every batch
 * not yet confirmed on disk here, in localStorage, which is synchronous. The next page load
 * moves the tail into IndexedDB before delivering anything. Writing a batch twice is
 * harmless: batches are keyed by (session, seq) and the server stores a seq once.
 */
export function saveTail(storage: Storage, session: OutboxSession, batches: readonly OutboxBatch[]): void {
  const tail: Tail = { session: { ...session }, batches: [...batches] };
  try {
    storage.setItem(PREFIX + session.localId, JSON.stringify(tail));
  } catch (error) {
    // Over quota: nothing more can be done synchronously while the page goes away.
    console.error('could not journal the outbox tail', error);
  }
}

/** Moves every journalled tail into the store, then forgets it. */
export async function restoreTails(storage: Storage, store: OutboxStore): Promise<number> {
  let restored = 0;
  for (const key of Object.keys(storage)) {
    if (!key.startsWith(PREFIX)) continue;
    const raw = storage.getItem(key);
    const tail = raw ? parseTail(raw) : null;
    if (tail) {
      const known = (await store.sessions()).find((s) => s.localId === tail.session.localId);
      const session = { ...tail.session, serverId: known?.serverId ?? tail.session.serverId, lastSeq: Math.max(known?.lastSeq ?? 0, tail.session.lastSeq) };
      await store.putSession(session);
      for (const batch of tail.batches) await store.putBatch(batch);
      restored += tail.batches.length;
    }
    storage.removeItem(key);
  }
  return restored;
}

function parseTail(raw: string): Tail | null {
  try {
    const tail = JSON.parse(raw) as Tail;
    return tail && typeof tail.session?.localId === 'string' && Array.isArray(tail.batches) ? tail : null;
  } catch (error) {
    console.error('an outbox tail in localStorage is not JSON; it is dropped', error);
    return null;
  }
}
