// PROTOCOL.md §7 against a running ingest server: every error code in the page's table is
// provoked the way the page says it happens (close-code-cases.ts), by a client written from
// the page alone, and the server must close with the code the page gives, after an `error`
// of that name. The reconnect policy is read from the page too, twice: the range rules
// (which a client implements as shouldReconnect) and each code's "client does" column; both
// must agree, the client's shouldReconnect must follow them, and the running server must
// honour them: after a reconnect code a reconnect with a fresh ticket delivers every batch,
// after a stop code a retry fails the way the page says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { shouldReconnect } from '../../../shared/protocol/codes.ts';
import { connectRaw, helloRaw, keyPairs, T } from '../support/raw-protocol-client.ts';
import { batch, CLOSE_CASES, closing, NOT_PROVOKED, sendBatch, type Batch, type Provoked } from './close-code-cases.ts';
import { RunningStack } from './running-stack.ts';
import { readDoc, section, tableWithHeader } from './doc-tables.ts';

const closeSection = section(readDoc('shared/protocol/PROTOCOL.md'), /Close codes/);

/** §7's range rules as a function: the rule a client written from the page implements. */
const rangeRows = tableWithHeader(closeSection, ['close code', 'range rule', 'client does']).map(([codes, , does]) => ({
  ranges: [...codes!.matchAll(/(\d{4})(?:–(\d{4}))?/g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])] as const),
  reconnect: /^reconnect/.test(does!),
  otherwise: /anything else/.test(codes!),
}));
function docReconnects(code: number): boolean {
  const row = rangeRows.find((r) => r.ranges.some(([from, to]) => code >= from && code <= to)) ?? rangeRows.find((r) => r.otherwise);
  if (!row) throw new Error(`§7 says nothing about close ${code}`);
  return row.reconnect;
}

const documented = tableWithHeader(closeSection, ['error code', 'close', 'client does']).map(([code, close, does]) => ({
  name: code!.replace(/`/g, ''), close: Number(close), reconnect: does === 'reconnect', does: does!,
}));

test('§7: every code in the table is provoked here or listed as not provokable, and nothing else', () => {
  const names = documented.map((d) => d.name).sort();
  const covered = [...Object.keys(CLOSE_CASES), ...Object.keys(NOT_PROVOKED)].sort();
  assert.equal(covered, names, 'add a case to close-code-cases.ts (or a reason to NOT_PROVOKED) for each new row of §7');
  for (const name of Object.keys(CLOSE_CASES)) assert.not.ok(name in NOT_PROVOKED, `${name} is both provoked and listed as not provokable`);
});

test('§7: each code\'s "client does" follows the range rules, and so does the client\'s shouldReconnect', () => {
  for (const d of documented) {
    assert.ok(d.does === 'reconnect' || d.does === 'stop', `${d.name}: unclear policy ${d.does}`);
    assert.is(docReconnects(d.close), d.reconnect, `${d.name} (${d.close}): the range rules vs the table`);
    assert.is(shouldReconnect(d.close), d.reconnect, `${d.name} (${d.close}): shouldReconnect vs the page`);
  }
  for (const code of [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1002, 3000, 4000, 4050, 4099, 4100, 4150, 4199, 4200]) {
    assert.is(shouldReconnect(code), docReconnects(code), `close ${code}`);
  }
});

let stack: RunningStack;
test.before(async () => {
  stack = await RunningStack.start();
});
test.after(async () => {
  await stack.close();
});

/**
 * After a reconnect code, what §6.2 step 6 says: reconnect with backoff (a fresh ticket, hello,
 * resend what welcome does not cover, one batch more, end) until the session is delivered.
 * A reconnect refused with a reconnect code again (the buffer still full...) backs off and
 * tries again; any other close fails.
 */
async function reconnectDelivers(p: Provoked): Promise<void> {
  await p.repair?.();
  const lastOffset = Math.max(0, ...p.batches.flatMap((b) => b.events.map((e) => e.offsetUs)));
  const lastSeq = Math.max(0, ...p.batches.map((b) => b.seq));
  const more: Batch = { seq: lastSeq + 1, events: keyPairs(2, lastOffset + 1_000_000) };
  for (let attempt = 0; ; attempt++) {
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    const { client, welcome } = await helloRaw(p.ingest.url, await p.api.ticket(p.sessionId), p.sessionId);
    for (const b of [...p.batches.filter((b) => b.seq > (welcome.committedSeq as number)), more]) sendBatch(client, b);
    client.send({ t: T.end, seq: more.seq });
    const closed = await client.closed;
    if (closed.code !== 1000 && shouldReconnect(closed.code) && attempt < 6) continue;
    assert.is(closed.code, 1000, `the reconnect ends normally (got ${JSON.stringify(client.received.filter((m) => m.t === T.error))})`);
    assert.is((await client.next(T.ended)).committedSeq, more.seq, 'every batch is stored after the reconnect');
    break;
  }
  const session = await p.api.request('GET', `/api/sessions/${p.sessionId}`);
  assert.is(session.body.session.committedSeq, more.seq, 'GET /api/sessions/:id agrees');
}

for (const d of documented) {
  const provoked = CLOSE_CASES[d.name];
  if (!provoked) continue;
  test(`${d.name}: ${provoked.cause} → close ${d.close}, then ${d.reconnect ? 'a reconnect delivers everything' : 'a retry is refused'}`, async () => {
    const p = await provoked.provoke(stack);
    assert.is(p.closed.code, d.close, `${d.name}: close code (error before it: ${JSON.stringify(p.error)})`);
    assert.is(p.error?.code, d.name, 'the error message before the close names the code');
    assert.is(p.closed.reason, d.name, 'the close reason is the code name');
    assert.is(docReconnects(p.closed.code), d.reconnect);
    if (d.reconnect) await reconnectDelivers(p);
    else if (provoked.retry) await provoked.retry(stack, p);
    else {
      // The same mistake on a new connection is refused the same way: retrying cannot help.
      const again = await provoked.provoke(stack);
      assert.is(again.closed.code, d.close, 'a retry is refused the same way');
    }
  });
}

test('an idle connection that does not even answer pings is dropped without a close frame (1006: reconnect)', async () => {
  // A hello deadline longer than the ping timeout, so the transport's drop is what is seen.
  const ingest = await stack.ingest({ INGEST_IDLE_TIMEOUT_S: '8', INGEST_HELLO_TIMEOUT_S: '600' });
  const api = await stack.typist();
  const { ticket } = await api.createSession();
  const silent = new WebSocket(`${ingest.url}/ws?ticket=${encodeURIComponent(ticket)}`, { perMessageDeflate: false, autoPong: false });
  const code = await new Promise<number>((resolve) => silent.on('close', (c) => resolve(c)));
  assert.is(code, 1006);
  assert.ok(docReconnects(code) && shouldReconnect(code));
});

/**
 * §4's pipelined hello: up to 32 messages after hello are held while the session is claimed,
 * the 33rd is THROTTLE_IGNORED. The claim is held back by a row lock on the session (it
 * reads the row FOR UPDATE), so the messages surely arrive before welcome.
 */
async function pipelined(count: number): Promise<Provoked & { welcome: boolean }> {
  const ingest = await stack.ingest();
  const api = await stack.typist();
  const { sessionId, ticket } = await api.createSession();
  const locker = await stack.db.pool.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM typing_sessions WHERE id = $1 FOR UPDATE', [sessionId]);
    const client = await connectRaw(ingest.url, ticket);
    client.send({ t: T.hello, v: 1, sessionId, lastAckedSeq: 0, client: 'conformance/1' });
    const batches = Array.from({ length: count }, (_, i) => batch(i + 1));
    for (const b of batches) sendBatch(client, b);
    if (count <= 32) {
      client.send({ t: 11, n: 1 });
      await client.next(12); // pong: answered at once, so every frame before it was read
      await locker.query('ROLLBACK');
      await client.next(T.ack, (m) => m.seq === count);
      client.send({ t: T.end, seq: count });
    }
    const closed = await closing(client);
    if (count > 32) await locker.query('ROLLBACK');
    return { ...closed, api, sessionId, ingest, batches, welcome: client.received.some((m) => m.t === T.welcome) };
  } finally {
    locker.release();
  }
}

test('§4: 32 messages after a hello not yet welcomed are held and handled; the session ends normally', async () => {
  const p = await pipelined(32);
  assert.is(p.closed.code, 1000, JSON.stringify(p.error));
});

test('§4: the 33rd message before welcome is THROTTLE_IGNORED 4005, a reconnect code; the reconnect delivers everything', async () => {
  const p = await pipelined(33);
  const row = documented.find((d) => d.name === 'THROTTLE_IGNORED')!;
  assert.is(p.closed.code, row.close);
  assert.is(p.error?.code, 'THROTTLE_IGNORED');
  assert.not.ok(p.welcome, 'no welcome: the claim was still held back');
  await reconnectDelivers(p);
});

test.run();
