// The contract between the client and the ingest server, tested with the real parts: the
// client's own transport (client/src/transport: Delivery, SessionStream, the IndexedDB
// outbox) over `ws` and fake-indexeddb, against the real ingest server (a process of its own)
// and PostgreSQL. Every test types, disturbs, and asserts that what PostgreSQL holds is
// exactly what was typed, once. Outages of the database and long backlogs are in
// delivery-outages.test.ts and delivery-backlog.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from '../../server/test/support/database.ts';
import { BrowserOrigin } from './support/browser-origin.ts';
import { IngestProcess } from './support/ingest-process.ts';
import { TicketApi } from './support/ticket-api.ts';
import { assertStoredOnce, CREATE, sleep, Typist, within } from './support/typist.ts';

const db = await freshDatabase();
const ingest = await IngestProcess.start(db.url);
const newApi = () => new TicketApi(db.pool, () => ingest.url);

test.after(async () => {
  await ingest.stop();
  await db.drop();
});

test('normal typing: every key stored once, the session ended, the outbox empty', async () => {
  const tab = new BrowserOrigin().openTab(newApi());
  const session = tab.delivery.begin(CREATE, null);
  const typist = new Typist();
  await typist.type(session, 150, 10);
  session.finish();
  assert.is(await within(session.delivered, 30_000, 'delivery'), 'ended');
  await assertStoredOnce(db.pool, session.serverId()!, typist.typed);
  assert.is(tab.last?.parkedEvents, 0);
  assert.not.ok(tab.everFailed);
});

test('the ingest server killed (kill -9) mid-session and restarted: every key stored once', async () => {
  const tab = new BrowserOrigin().openTab(newApi());
  const session = tab.delivery.begin(CREATE, null);
  const typist = new Typist();
  await typist.type(session, 60, 10);
  await ingest.kill();
  await typist.type(session, 60, 10); // typed while the server is gone
  const offline = tab.last!.streams.find((s) => s.localId === session.localId);
  assert.ok(offline && offline.phase !== 'streaming', `the stream noticed the outage (${offline?.phase})`);
  await ingest.restart();
  await typist.type(session, 30, 10);
  session.finish();
  assert.is(await within(session.delivered, 60_000, 'delivery after the restart'), 'ended');
  await assertStoredOnce(db.pool, session.serverId()!, typist.typed);
  assert.not.ok(tab.everFailed);
});

test('reload during an outage: the next page load counts the outbox, then delivers it once', async () => {
  const origin = new BrowserOrigin();
  const api = newApi();
  const first = origin.openTab(api);
  const session = first.delivery.begin(CREATE, null);
  const typist = new Typist();
  await typist.type(session, 40, 10);
  await ingest.kill();
  await typist.type(session, 40, 10);
  first.close(); // reload: the page is unloaded mid-session
  const localId = session.localId;

  const second = origin.openTab(api);
  await second.delivery.countEarlier();
  assert.ok((second.last?.parkedEvents ?? 0) > 0, 'the reloaded page shows the queued keys before it reaches the server');
  const draining = second.delivery.drainEarlier(null);
  await sleep(500);
  await ingest.restart();
  await within(draining, 60_000, 'draining the earlier page');
  const serverId = (await api.committedSeq(session.serverId()!)).ended ? session.serverId()! : null;
  assert.ok(serverId, 'the earlier session was ended on the server');
  await assertStoredOnce(db.pool, serverId, typist.typed);
  assert.is(second.last?.streams.find((s) => s.localId === localId), undefined, 'nothing left for that session');
  assert.not.ok(second.everFailed);
});

test('two tabs: each delivers its own session; the second never takes over the first one', async () => {
  const origin = new BrowserOrigin();
  const api = newApi();
  const [left, right] = [origin.openTab(api), origin.openTab(api)];
  const [a, b] = [left.delivery.begin(CREATE, null), right.delivery.begin(CREATE, null)];
  const [ta, tb] = [new Typist(), new Typist()];
  const typing = Promise.all([ta.type(a, 80, 10), tb.type(b, 80, 10)]);
  // The right tab, as a fresh page load would, drains what it finds in the shared outbox:
  // the left tab's live session is there too, and its Web Lock keeps the right tab off it.
  await sleep(300);
  await right.delivery.drainEarlier(null);
  await typing;
  a.finish();
  b.finish();
  assert.equal(await within(Promise.all([a.delivered, b.delivered]), 30_000, 'both tabs'), ['ended', 'ended']);
  await assertStoredOnce(db.pool, a.serverId()!, ta.typed);
  await assertStoredOnce(db.pool, b.serverId()!, tb.typed);
  assert.not.ok([...left.closeCodes, ...right.closeCodes].includes(4106), 'no SESSION_TAKEN_OVER');
});

test('ticket expiry during a backlog: an expired ticket is refused, a fresh one fetched, nothing lost', async () => {
  const api = newApi();
  const tab = new BrowserOrigin().openTab(api);
  const session = tab.delivery.begin(CREATE, null);
  const typist = new Typist();
  await typist.type(session, 30, 10);
  await ingest.kill();
  await typist.type(session, 100, 10); // the backlog
  api.expireNext = 2; // the next two tickets ran out before they were used
  const before = api.tickets;
  await ingest.restart();
  session.finish();
  assert.is(await within(session.delivered, 60_000, 'delivery'), 'ended');
  assert.ok(api.tickets - before >= 3, `the expired tickets were refused and replaced (${api.tickets - before} tickets)`);
  await assertStoredOnce(db.pool, session.serverId()!, typist.typed);
  assert.not.ok(tab.everFailed);
});

test('a frozen server (SIGSTOP, sockets open) is noticed by the heartbeat and shown offline; delivered once thawed', async () => {
  const tab = new BrowserOrigin().openTab(newApi());
  const session = tab.delivery.begin(CREATE, null);
  const typist = new Typist();
  await typist.type(session, 30, 10);
  const stream = () => tab.last!.streams.find((s) => s.localId === session.localId);
  await within(until(() => stream()?.phase === 'streaming' && stream()!.unackedEvents === 0), 30_000, 'all acked');
  ingest.freeze();
  try {
    // Nothing is typed: without a heartbeat nothing would ever wait for an answer.
    await within(until(() => stream()?.phase === 'waiting'), 30_000, 'the stream giving up on the frozen server');
    assert.match(stream()!.reason ?? '', /no answer from the server/);
    await typist.type(session, 30, 10);
  } finally {
    ingest.thaw();
  }
  session.finish();
  assert.is(await within(session.delivered, 60_000, 'delivery after the thaw'), 'ended');
  await assertStoredOnce(db.pool, session.serverId()!, typist.typed);
  assert.not.ok(tab.everFailed);
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(50);
}

test.run();
