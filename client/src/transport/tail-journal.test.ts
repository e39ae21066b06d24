import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryOutboxStore } from './memory-outbox-store.ts';
import type { OutboxSession } from './outbox-types.ts';
import { SessionOutbox } from './session-outbox.ts';
import { restoreTails, saveTail } from './tail-journal.ts';

class MapStorage {
  private readonly map = new Map<string, string>();
  get length() { return this.map.size; }
  key(i: number) { return [...this.map.keys()][i] ?? null; }
  getItem(k: string) { return this.map.get(k) ?? null; }
  setItem(k: string, v: string) { this.map.set(k, v); }
  removeItem(k: string) { this.map.delete(k); }
  clear() { this.map.clear(); }
  keys() { return [...this.map.keys()]; }
}
// Object.keys(localStorage) lists its items; the stand-in mirrors that.
function storage(): Storage {
  const backing = new MapStorage();
  return new Proxy(backing, { ownKeys: () => backing.keys(), getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }) });
}

const session = (): OutboxSession => ({
  localId: 'l1', userId: null, serverId: null, lastSeq: 0, finished: false, createdAt: 1, failure: null,
  create: { mode: 'custom', config: {}, practiceText: 'ab', wordSetId: null, keyboardLayout: 'qwerty-us' },
});
const key = (offsetUs: number) => ({ type: 0 as const, code: 'KeyA', key: 'a', offsetUs, textPos: 0, isError: false, flags: 0 });

test('batches cut by time or size get consecutive seqs and are persisted', async () => {
  const store = new MemoryOutboxStore();
  const seen: number[] = [];
  const outbox = new SessionOutbox(store, session(), (b) => seen.push(b.seq), { maxEvents: 2, maxDelayMs: 20 });
  await outbox.open();
  outbox.add(key(1));
  outbox.add(key(2)); // size cut
  outbox.add(key(3));
  await new Promise((r) => setTimeout(r, 40)); // time cut
  assert.equal(seen, [1, 2]);
  assert.equal((await store.batches('l1')).map((b) => b.events.length), [2, 1]);
});

test('a tail journalled on pagehide is restored into the store on the next load', async () => {
  const local = storage();
  const s = { ...session(), lastSeq: 4 };
  saveTail(local, s, [{ localId: 'l1', seq: 4, events: [key(9)] }]);
  const store = new MemoryOutboxStore();
  await store.putSession({ ...s, lastSeq: 3, serverId: 'server-1' });
  await store.putBatch({ localId: 'l1', seq: 3, events: [key(8)] });
  assert.is(await restoreTails(local, store), 1);
  assert.equal((await store.batches('l1')).map((b) => b.seq), [3, 4]);
  const restored = (await store.sessions())[0]!;
  assert.is(restored.lastSeq, 4);
  assert.is(restored.serverId, 'server-1', 'the server id learnt meanwhile is kept');
  assert.is(local.length, 0);
});

test.run();
