// Issue 15 against running servers (sidecar + ingest on a real PostgreSQL), with a client
// written from PROTOCOL.md (raw ws + msgpackr): time bounds, seq conflicts, lastAckedSeq,
// invalid UTF-8, violation logs, connection caps, the daily event quota, unknown paths.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { startTestIngest } from './support/ingest-fixtures.ts';
import { startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { connectRaw, helloRaw, keyPairs, pack, T, UpgradeRefused } from './support/raw-protocol-client.ts';
import { eventually, pollUntil } from './support/processes.ts';
import type { IngestServer } from '../bin/ingest-wiring.ts';

const SIX_HOURS_US = 6 * 3600 * 1_000_000;

let db: TestDatabase;
let sidecar: TestSidecar;
let ingest: { server: IngestServer; url: string };
let capped: { server: IngestServer; url: string };
const lines: string[] = [];

test.before(async () => {
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' });
  ingest = await startTestIngest(db.url, db.pool, {}, lines);
  capped = await startTestIngest(db.url, db.pool, { INGEST_MAX_CONNECTIONS_PER_TICKET: '2', INGEST_MAX_CONNECTIONS_PER_USER: '3', QUOTA_EVENTS_PER_USER_PER_DAY: '10' });
});

test.after(async () => {
  await ingest.server.drain();
  await capped.server.drain();
  await sidecar.close();
  await db.drop();
});

/** An anonymous typist with a new session, through the API as the browser does it. */
async function newSession(): Promise<{ sessionId: string; ticket: string; userId: string; browser: ReturnType<TestSidecar['browser']> }> {
  const browser = sidecar.browser();
  const anonymous = await browser.post('/api/anonymous');
  assert.is(anonymous.status, 201, JSON.stringify(anonymous.body));
  browser.accessToken = anonymous.body.accessToken;
  const created = await browser.post('/api/sessions', { mode: 'zen' });
  assert.is(created.status, 201, JSON.stringify(created.body));
  return { sessionId: created.body.session.id, ticket: created.body.ingest.ticket, userId: anonymous.body.user.id, browser };
}

async function freshTicket(browser: ReturnType<TestSidecar['browser']>, sessionId: string): Promise<string> {
  const answer = await browser.post(`/api/sessions/${sessionId}/ticket`);
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.ticket ?? answer.body.ingest?.ticket;
}

const stored = async (sessionId: string) => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [sessionId])).rows[0]!.n;

test('an offset of 2^53-1 (the 1e12 us session too) is refused at ingest: SESSION_TOO_LONG, close 4113, nothing stored, logged', async () => {
  for (const last of [2 ** 53 - 1, 1e12, SIX_HOURS_US + 1]) {
    const s = await newSession();
    const { client } = await helloRaw(ingest.url, s.ticket, s.sessionId);
    client.send({ t: T.batch, seq: 1, events: [keyPairs(1)[0], { ...keyPairs(1)[1], offsetUs: last }] });
    const error = await client.next(T.error);
    assert.is(error.code, 'SESSION_TOO_LONG');
    assert.is((await client.closed).code, 4113);
    assert.is(await stored(s.sessionId), 0);
    assert.ok(lines.some((l) => l.includes('"event":"ingest_protocol_violation"') && l.includes(s.sessionId) && l.includes('"code":"SESSION_TOO_LONG"')), 'the violation was not logged with session and code');
  }
});

test('exactly six hours is still a session', async () => {
  const s = await newSession();
  const { client } = await helloRaw(ingest.url, s.ticket, s.sessionId);
  client.send({ t: T.batch, seq: 1, events: [...keyPairs(1), { ...keyPairs(1)[0]!, offsetUs: SIX_HOURS_US }] });
  await client.next(T.ack, (m) => m.seq === 1);
  client.ws.close();
});

test('decreasing offsets are refused (OFFSET_DECREASED 4114): within a batch, across batches, and after a reconnect', async () => {
  const s = await newSession();
  const { client } = await helloRaw(ingest.url, s.ticket, s.sessionId);
  client.send({ t: T.batch, seq: 1, events: keyPairs(3, 1_000_000) });
  await client.next(T.ack, (m) => m.seq === 1);
  client.send({ t: T.batch, seq: 2, events: keyPairs(1, 500_000) });
  assert.is((await client.next(T.error)).code, 'OFFSET_DECREASED');
  assert.is((await client.closed).code, 4114);

  const again = await helloRaw(ingest.url, await freshTicket(s.browser, s.sessionId), s.sessionId);
  assert.is(again.welcome.committedSeq, 1);
  again.client.send({ t: T.batch, seq: 2, events: keyPairs(1, 900_000) }); // before the stored 1.26 s
  assert.is((await again.client.next(T.error)).code, 'OFFSET_DECREASED');
  assert.is((await again.client.closed).code, 4114);

  const within = await newSession();
  const w = await helloRaw(ingest.url, within.ticket, within.sessionId);
  const events = keyPairs(2);
  [events[1], events[2]] = [events[2]!, events[1]!];
  w.client.send({ t: T.batch, seq: 1, events });
  assert.is((await w.client.next(T.error)).code, 'OFFSET_DECREASED');
  assert.is(await stored(s.sessionId), 6, 'only the first batch is stored');
});

test('invalid UTF-8 in a string is refused with MALFORMED_FRAME 4101, not stored as U+FFFD', async () => {
  const s = await newSession();
  const { client } = await helloRaw(ingest.url, s.ticket, s.sessionId);
  const frame = pack({ t: T.batch, seq: 1, events: [{ type: 0, code: 'KeyA', key: 'q', offsetUs: 0, textPos: 0, isError: false, flags: 0 }] });
  const broken = Uint8Array.from(frame);
  broken[frame.lastIndexOf(0x71)] = 0xff; // "q" -> a byte that is never UTF-8
  client.sendBytes(broken);
  assert.is((await client.next(T.error)).code, 'MALFORMED_FRAME');
  assert.is((await client.closed).code, 4101);
  assert.is(await stored(s.sessionId), 0);
});

test('a resend with different content is acknowledged, the first content kept, and reported in the log and metrics', async () => {
  const s = await newSession();
  const { client } = await helloRaw(ingest.url, s.ticket, s.sessionId);
  client.send({ t: T.batch, seq: 1, events: keyPairs(2, 0, 'a') });
  await client.next(T.ack, (m) => m.seq === 1);
  client.send({ t: T.batch, seq: 1, events: keyPairs(2, 0, 'z') });
  const acks = () => client.received.filter((m) => m.t === T.ack).length;
  assert.ok(await eventually(async () => acks() >= 2, 5000), 'the resend was not acknowledged');
  const keys = (await db.pool.query('SELECT DISTINCT key_value FROM keystrokes WHERE session_id = $1', [s.sessionId])).rows.map((r) => r.key_value);
  assert.equal(keys, ['a']);
  assert.ok(lines.some((l) => l.includes('"event":"ingest_seq_conflict"') && l.includes(s.sessionId)), 'no ingest_seq_conflict log line');
  const metrics = await (await fetch(`http://127.0.0.1:${ingest.server.port}/metrics`)).text();
  assert.match(metrics, /ingest_seq_conflicts_total\{[^}]*\} [1-9]/);
  client.ws.close();
});

test('hello.lastAckedSeq beyond committedSeq: the welcome goes by committedSeq and the loss is logged (PROTOCOL.md §4)', async () => {
  const s = await newSession();
  const { client, welcome } = await helloRaw(ingest.url, s.ticket, s.sessionId, 7);
  assert.is(welcome.committedSeq, 0);
  const logged = await pollUntil(async () => lines.some((l) => l.includes('"event":"ingest_acked_data_lost"') && l.includes(s.sessionId) && l.includes('"lastAckedSeq":7')), 3000);
  assert.ok(logged !== undefined, 'no ingest_acked_data_lost log line');
  client.ws.close();
});

test('connection caps: per ticket and per user, answered 429 TOO_MANY_CONNECTIONS at the upgrade', async () => {
  const s = await newSession();
  const open = [await connectRaw(capped.url, s.ticket), await connectRaw(capped.url, s.ticket)];
  const refused = await connectRaw(capped.url, s.ticket).then(() => undefined, (e: unknown) => e);
  assert.ok(refused instanceof UpgradeRefused, String(refused));
  assert.is(refused.status, 429);
  assert.is(JSON.parse(refused.body).error.code, 'TOO_MANY_CONNECTIONS');
  assert.match(JSON.parse(refused.body).error.message, /ticket/);
  // Two more sessions of the same user: other tickets, the same user.
  const second = await s.browser.post('/api/sessions', { mode: 'zen' });
  const third = await s.browser.post('/api/sessions', { mode: 'zen' });
  open.push(await connectRaw(capped.url, second.body.ingest.ticket));
  const fourth = await connectRaw(capped.url, third.body.ingest.ticket).then(() => undefined, (e: unknown) => e);
  assert.ok(fourth instanceof UpgradeRefused && fourth.status === 429, 'the per-user cap did not hold');
  assert.match(JSON.parse(fourth.body).error.message, /user/);
  for (const c of open) c.ws.close();
  await Promise.all(open.map((c) => c.closed));
  const later = await connectRaw(capped.url, s.ticket);
  later.ws.close();
});

test('the per-address cap: a third socket from 127.0.0.1 on a server allowing two is refused 429, whoever asks', async () => {
  const narrow = await startTestIngest(db.url, db.pool, { INGEST_MAX_CONNECTIONS_PER_IP: '2' });
  try {
    const [a, b, c] = [await newSession(), await newSession(), await newSession()];
    const open = [await connectRaw(narrow.url, a.ticket), await connectRaw(narrow.url, b.ticket)];
    const third = await connectRaw(narrow.url, c.ticket).then(() => undefined, (e: unknown) => e);
    assert.ok(third instanceof UpgradeRefused && third.status === 429, String(third));
    assert.match(JSON.parse(third.body).error.message, /address/);
    for (const o of open) o.ws.close();
    await Promise.all(open.map((o) => o.closed));
  } finally {
    await narrow.server.drain();
  }
});

test('the daily event quota: the batch that would pass it is EVENT_QUOTA_EXCEEDED 4115; new sessions are refused 429', async () => {
  const s = await newSession();
  const { client } = await helloRaw(capped.url, s.ticket, s.sessionId);
  client.send({ t: T.batch, seq: 1, events: keyPairs(4) }); // 8 of 10
  await client.next(T.ack, (m) => m.seq === 1);
  client.send({ t: T.batch, seq: 2, events: keyPairs(2, 1_000_000) }); // 12 > 10
  assert.is((await client.next(T.error)).code, 'EVENT_QUOTA_EXCEEDED');
  assert.is((await client.closed).code, 4115);
  assert.is(await stored(s.sessionId), 8);
});

test('unknown paths answer 404 with a JSON error, a WebSocket upgrade included', async () => {
  const plain = await fetch(`http://127.0.0.1:${ingest.server.port}/nope`);
  assert.is(plain.status, 404);
  assert.is(((await plain.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${ingest.url}/wss-typo`);
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve(101));
    ws.once('error', () => resolve(-1));
  });
  assert.is(status, 404);
});

test('the ingest health reports the database and the oldest unflushed batch; the gauge is exported', async () => {
  const health = (await (await fetch(`http://127.0.0.1:${ingest.server.port}/ingest/health`)).json()) as Record<string, unknown>;
  assert.is(health.database, 'available');
  assert.is(typeof health.oldestUnflushedBatchAgeMs, 'number');
  const metrics = await (await fetch(`http://127.0.0.1:${ingest.server.port}/metrics`)).text();
  assert.match(metrics, /ingest_oldest_unflushed_batch_seconds/);
});

test.run();
