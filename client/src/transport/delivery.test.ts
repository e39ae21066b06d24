import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType } from '../../../shared/protocol/messages.ts';
import { Delivery, type DeliveryStatus } from './delivery.ts';
import { MemoryOutboxStore } from './memory-outbox-store.ts';
import type { OutboxSession } from './outbox-types.ts';
import type { StreamApi } from './stream-api.ts';
import { FakeSocket, serveHealthy } from './testing/fake-socket.ts';

const create = { mode: 'custom', config: {}, practiceText: 'ab', wordSetId: null, keyboardLayout: 'qwerty-us' };
const earlier = (localId: string, userId: string, failure: string | null = null): OutboxSession => ({
  localId, userId, serverId: `00000000-0000-4000-8000-00000000000${localId.length}`, create, lastSeq: 1, finished: false, createdAt: localId.length, failure,
});
const key = { type: 0 as const, code: 'KeyA', key: 'a', offsetUs: 0, textPos: 0, isError: false, flags: 0 };

function setup() {
  const store = new MemoryOutboxStore();
  const sockets: FakeSocket[] = [];
  const statuses: DeliveryStatus[] = [];
  let created = 0;
  const api: StreamApi = {
    createSession: async () => ({ serverId: `00000000-0000-4000-8000-1000000000${++created}0`, ticket: 't', ingestUrl: 'ws://x/ws' }),
    ticket: async () => ({ ticket: 't', ingestUrl: 'ws://x/ws' }),
    committedSeq: async () => ({ committedSeq: 0, ended: false }),
  };
  const storage = { getItem: () => null, setItem: () => {}, removeItem: () => {}, length: 0, key: () => null, clear: () => {} } as unknown as Storage;
  const delivery = new Delivery(
    { store, api, storage, heartbeat: false, openSocket: (url) => { const s = new FakeSocket(url); sockets.push(s); serveHealthy(s); return s; } },
    (s) => statuses.push(s),
  );
  return { store, sockets, statuses, delivery };
}

test("earlier sessions of this typist are delivered and ended; another typist's and refused ones are kept", async () => {
  const { store, sockets, delivery } = setup();
  for (const s of [earlier('mine', 'u1'), earlier('theirs!', 'u2'), earlier('refused', 'u1', 'SESSION_GAP')]) {
    await store.putSession(s);
    await store.putBatch({ localId: s.localId, seq: 1, events: [key] });
  }
  await delivery.drainEarlier('u1');
  assert.is(sockets.length, 1);
  assert.equal(sockets[0]!.received.map((m) => m.t), [MessageType.Hello, MessageType.Batch, MessageType.End]);
  assert.equal((await store.sessions()).map((s) => s.localId).sort(), ['refused', 'theirs!']);
});

test('a session typed now is created on the server, streamed and forgotten once ended', async () => {
  const { store, sockets, delivery, statuses } = setup();
  const active = delivery.begin(create, 'u1');
  active.add(key);
  active.add({ ...key, type: 1, offsetUs: 90_000 });
  active.finish();
  assert.is(await active.delivered, 'ended');
  assert.ok(active.serverId());
  const batches = sockets[0]!.received.filter((m) => m.t === MessageType.Batch);
  assert.equal(batches.map((m) => (m as { events: unknown[] }).events.length), [2]);
  assert.equal(await store.sessions(), []);
  assert.equal(statuses.at(-1)!.streams, []);
});

test.run();
