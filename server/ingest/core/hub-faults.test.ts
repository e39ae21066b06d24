import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { connectionRefused, deferred, frames, hello, hubRig, protocolTest, SESSION_A, settle, streaming } from './testing/fakes.ts';
import type { EndResult } from './ports.ts';

// A bug behind the hub (a store that throws a TypeError) is not an unreachable database: it
// is logged with its context and closes the connection with INTERNAL_ERROR (1011), while a
// connection error still answers DATABASE_UNAVAILABLE (4003), which the client retries.

const test = protocolTest(uvu);

const bug = () => new TypeError("Cannot read properties of undefined (reading 'committed_seq')");

test('a claim that throws a bug: logged with event, session, connection and error; closed with INTERNAL_ERROR 1011', async () => {
  const rig = hubRig();
  const error = bug();
  rig.store.nextClaim = error;
  const a = await hello(rig);
  assert.equal(a.client.log, ['error:INTERNAL_ERROR', 'close:1011']);
  assert.is(rig.log.lines.length, 1);
  const line = rig.log.lines[0]!;
  assert.is(line.event, 'ingest_hello_failed');
  assert.is(line.sessionId, SESSION_A);
  assert.is(line.connectionId, a.id);
  assert.is(line.err, error);
});

test('a claim that meets an unreachable database: DATABASE_UNAVAILABLE 4003 as before, nothing logged as a fault', async () => {
  const rig = hubRig();
  rig.store.nextClaim = connectionRefused();
  const a = await hello(rig);
  assert.equal(a.client.log, ['error:DATABASE_UNAVAILABLE', 'close:4003']);
  assert.equal(rig.log.lines, []);
});

test('an end whose markEnded throws a bug: logged, closed with INTERNAL_ERROR 1011', async () => {
  const rig = hubRig();
  rig.store.markEndedResult = bug();
  const a = await hello(rig);
  a.conn.receive(frames.end(0));
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:INTERNAL_ERROR', 'close:1011']);
  assert.equal(rig.log.events, ['ingest_end_failed']);
  assert.is(rig.log.lines[0]!.connectionId, a.id);
});

test('a spectator whose greeting throws a bug: logged, closed with INTERNAL_ERROR 1011', async () => {
  const rig = hubRig();
  rig.store.watchStateError = bug();
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  await settle();
  assert.equal(watcher.client.log, ['error:INTERNAL_ERROR', 'close:1011']);
  assert.equal(rig.log.events, ['ingest_watch_failed']);
  assert.is(rig.log.lines[0]!.connectionId, watcher.id);
});

test('a spectator greeted while the database is away sees "offline", and no fault is logged', async () => {
  const rig = hubRig();
  rig.store.watchStateError = connectionRefused();
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  await settle();
  assert.equal(watcher.client.log, ['presence:1']);
  assert.equal(rig.log.lines, []);
});

test('any port that rejects, on its own connection: the error is logged with its context, the close is 1011', async () => {
  const { conn, ports } = await streaming(0);
  const ended = deferred<EndResult>();
  ports.endResult = ended;
  conn.receive(frames.end(0));
  const error = new RangeError('a bug in end');
  ended.reject(error);
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'error:INTERNAL_ERROR', 'close:1011']);
  assert.equal(ports.log.lines.map((l) => [l.event, l.sessionId, l.connectionId, l.err]), [['ingest_end_failed', SESSION_A, conn.identity.connectionId, error]]);
});

uvu.run();
