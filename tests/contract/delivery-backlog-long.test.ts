// 50 minutes of backlog through the client's own transport (see delivery-backlog.test.ts):
// 20,000 batches left in the outbox by an earlier page load, delivered in full, once, paced to
// the budget in welcome. In a file of its own: it is the longest contract test.
import { test } from 'uvu';
import { freshDatabase } from '../../server/test/support/database.ts';
import { deliverBacklog } from './support/backlog.ts';
import { IngestProcess } from './support/ingest-process.ts';

const db = await freshDatabase();

test('50 minutes of backlog (20,000 batches): delivered in full, once (budget 2,000/s to bound the test)', async () => {
  // The pacing is the same at any budget; at the default 200 frames/s this run takes ~2 minutes.
  const ingest = await IngestProcess.start(db.url, { INGEST_FRAMES_PER_SECOND: '2000', INGEST_FRAME_BURST: '4000' });
  try {
    // Reconnects are allowed here: with both cores saturated the client's heartbeat has given
    // up on a connection while IndexedDB work on 20,000 records held its event loop (nothing
    // is lost by that, and the 2,000-batch test asserts a single connection).
    await deliverBacklog(db.pool, ingest, 20_000, 200_000, false);
  } finally {
    await ingest.stop();
  }
});

test.after(() => db.drop());

test.run();
