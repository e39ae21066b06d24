// PostgreSQL going away under a running ingest server, as the client's own transport lives
// through it (see delivery-contract.test.ts): the typist keeps typing for the 30 s the
// database is stopped, the server throttles, refuses or closes with reconnect codes, and once
// PostgreSQL is back every key is stored exactly once, with no session given up.
import pg from 'pg';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { migrate } from '../../server/db/migrations.ts';
import { createPool } from '../../server/db/pool.ts';
import { startTestPostgres } from '../../server/test/support/test-postgres.ts';
import { BrowserOrigin } from './support/browser-origin.ts';
import { IngestProcess } from './support/ingest-process.ts';
import { TicketApi } from './support/ticket-api.ts';
import { assertStoredOnce, CREATE, sleep, Typist, within } from './support/typist.ts';

test('PostgreSQL stopped for 30 s while typing: every key stored once when it is back', async () => {
  const cluster = await startTestPostgres();
  const admin = new pg.Client({ connectionString: cluster.server.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE ff_contract');
  await admin.end();
  const url = cluster.server.url('ff_contract');
  const pool = createPool(url, { max: 4, applicationName: 'contract-test' });
  const client = await pool.connect();
  await migrate(client);
  client.release();
  const ingest = await IngestProcess.start(url);
  try {
    const api = new TicketApi(pool, () => ingest.url);
    const tab = new BrowserOrigin().openTab(api);
    const session = tab.delivery.begin(CREATE, null);
    const typist = new Typist();
    await typist.type(session, 30, 20);
    await within(waitForAck(tab), 30_000, 'the first acks');
    // The session row exists: the API's own calls need the database, and it is about to go.
    await cluster.server.stopImmediately();
    const outage = Date.now();
    while (Date.now() - outage < 30_000) await typist.type(session, 10, 100);
    await cluster.server.restart();
    await typist.type(session, 20, 20);
    session.finish();
    assert.is(await within(session.delivered, 120_000, 'delivery after the outage'), 'ended');
    await assertStoredOnce(pool, session.serverId()!, typist.typed);
    assert.not.ok(tab.everFailed, 'no session given up');
    assert.equal(tab.closeCodes.filter((c) => c >= 4100), [], 'no permanent close code');
  } finally {
    await ingest.stop();
    await pool.end();
    await cluster.destroy();
  }
});

async function waitForAck(tab: ReturnType<BrowserOrigin['openTab']>): Promise<void> {
  while (!tab.statuses.some((s) => s.streams.some((x) => x.phase === 'streaming' && x.unackedEvents === 0))) await sleep(50);
}

test.run();
