// Backlogs through the client's own transport (see delivery-contract.test.ts): an earlier
// page load left 2,000 batches (about 5 minutes of typing at one batch per 150 ms) in the
// outbox; the next page load delivers every one, paced to the frame budget stated in welcome,
// with no close but the final one. And a session typed through an outage merges its 150 ms
// batches while offline. 20,000 batches: delivery-backlog-long.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from '../../server/test/support/database.ts';
import { BrowserOrigin } from './support/browser-origin.ts';
import { IngestProcess } from './support/ingest-process.ts';
import { TicketApi } from './support/ticket-api.ts';
import { assertStoredOnce, CREATE, Typist, within } from './support/typist.ts';
import { deliverBacklog } from './support/backlog.ts';

const db = await freshDatabase();

test('5 minutes of backlog (2,000 batches) at the default frame budget: delivered in full, once', async () => {
  const ingest = await IngestProcess.start(db.url);
  try {
    await deliverBacklog(db.pool, ingest, 2000, 120_000, true);
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
    // Cut every 150 ms, a batch holds at most 30 events at one key every 10 ms; merged, many more.
    const perBatch = stream.unackedEvents / stream.unackedBatches;
    assert.ok(perBatch > 40, `${stream.unackedBatches} batches hold ${stream.unackedEvents} events typed offline`);
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
