// Long backlogs through the client's own transport (see delivery-contract.test.ts): an
// earlier page load left 2,000 batches (about 5 minutes of typing at one batch per 150 ms)
// or 20,000 (about 50 minutes) in the outbox; the next page load delivers every one, paced
// to the frame budget stated in welcome, with no permanent close. And a session typed through
// an outage merges its 150 ms batches while offline.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from '../../server/test/support/database.ts';
import type { OutboxSession } from '../../client/src/transport/outbox-types.ts';
import { IdbOutboxStore } from '../../client/src/transport/idb-outbox-store.ts';
import { BrowserOrigin } from './support/browser-origin.ts';
import { IngestProcess } from './support/ingest-process.ts';
import { TicketApi } from './support/ticket-api.ts';
import { assertStoredOnce, CREATE, Typist, within } from './support/typist.ts';

const db = await freshDatabase();

/** What an earlier page load left: a session never sent, and `count` one-key batches. */
async function leftBehind(origin: BrowserOrigin, count: number): Promise<{ localId: string; typist: Typist }> {
  void origin;
  const store = await IdbOutboxStore.open();
  const typist = new Typist();
  const localId = crypto.randomUUID();
  const session: OutboxSession = { localId, userId: null, serverId: null, create: CREATE, lastSeq: count, finished: false, createdAt: Date.now(), failure: null };
  await store.putSession(session);
  for (const batch of typist.batches(localId, count)) await store.putBatch(batch);
  return { localId, typist };
}

async function deliverBacklog(ingest: IngestProcess, count: number, ms: number): Promise<void> {
  const api = new TicketApi(db.pool, () => ingest.url);
  const origin = new BrowserOrigin();
  const { typist } = await leftBehind(origin, count);
  const tab = origin.openTab(api);
  await tab.delivery.countEarlier();
  assert.is(tab.last?.parkedEvents, count * 2, 'the reloaded page counts the queued keys');
  await within(tab.delivery.drainEarlier(null), ms, `${count} batches`);
  const { rows } = await db.pool.query<{ id: string; ended: boolean }>('SELECT id, ended_at IS NOT NULL AS ended FROM typing_sessions ORDER BY created_at DESC LIMIT 1');
  assert.ok(rows[0]!.ended, 'the session was ended');
  await assertStoredOnce(db.pool, rows[0]!.id, typist.typed);
  assert.not.ok(tab.everFailed, 'no stream gave up');
  // One connection, closed normally after `ended`: never throttled out (4005), never refused.
  assert.equal(tab.closeCodes, [1000], 'the client paced itself to the budget in welcome');
}

test('5 minutes of backlog (2,000 batches) at the default frame budget: delivered in full, once', async () => {
  const ingest = await IngestProcess.start(db.url);
  try {
    await deliverBacklog(ingest, 2000, 120_000);
  } finally {
    await ingest.stop();
  }
});

test('50 minutes of backlog (20,000 batches): delivered in full, once (budget 2,000/s to bound the test)', async () => {
  // The pacing is the same at any budget; at the default 200 frames/s this run takes ~2 minutes.
  const ingest = await IngestProcess.start(db.url, { INGEST_FRAMES_PER_SECOND: '2000', INGEST_FRAME_BURST: '4000' });
  try {
    await deliverBacklog(ingest, 20_000, 300_000);
  } finally {
    await ingest.stop();
  }
});

test('typed through an outage: the offline batches are merged, so the backlog is a few frames', async () => {
  const ingest = await IngestProcess.start(db.url);
  try {
    const tab = new BrowserOrigin().openTab(new TicketApi(db.pool, () => ingest.url));
    const session = tab.delivery.begin(CREATE, null);
    const typist = new Typist();
    await typist.type(session, 20, 10);
    await ingest.kill();
    await typist.type(session, 150, 10); // ~1.5 s offline: ten 150 ms batches without merging
    const stream = tab.last!.streams.find((s) => s.localId === session.localId)!;
    assert.ok(stream.unackedBatches <= 3, `${stream.unackedBatches} batches hold ${stream.unackedEvents} events typed offline`);
    await ingest.restart();
    session.finish();
    assert.is(await within(session.delivered, 60_000, 'delivery'), 'ended');
    await assertStoredOnce(db.pool, session.serverId()!, typist.typed);
  } finally {
    await ingest.stop();
  }
});

test.after(() => db.drop());

test.run();
