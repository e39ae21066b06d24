import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType, type StatsMessage } from '../../../shared/protocol/messages.ts';
import { frames, hello, hubRig, keys, SESSION_A, SESSION_B, settle, protocolTest, typed } from './testing/fakes.ts';

const test = protocolTest(uvu);

const stats = (sessionId: string, keystrokes: number): StatsMessage => ({
  t: MessageType.Stats, sessionId, windowSec: 10, wpm: 40, rawWpm: 42, accuracy: 0.95, dwellMs: 90, flightMs: 60, keystrokes,
});

// Live figures and spectators ----------------------------------------------------------

test('tick sends live stats to the typist and its spectators, and publishes them on the bus when watched elsewhere', async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  rig.hub.remoteWatch(SESSION_A);
  const watcher = rig.open({ sessionId: SESSION_A, audience: 'watch' });
  watcher.conn.receive(frames.watch(SESSION_A));
  const otherWatcher = rig.open({ sessionId: SESSION_B, audience: 'watch' });
  otherWatcher.conn.receive(frames.watch(SESSION_B));
  a.conn.receive(frames.batch(1, typed('hello')));
  rig.hub.tick(rig.clock.now());
  const seen = watcher.client.of(MessageType.Stats);
  assert.is(seen.length, 1);
  assert.is(seen[0]!.sessionId, SESSION_A);
  assert.is(seen[0]!.keystrokes, 5);
  assert.equal(a.client.of(MessageType.Stats), seen);
  assert.equal(rig.bus.stats, seen);
  assert.equal(otherWatcher.client.received, []);
  assert.ok(rig.bus.watches.includes(SESSION_A) && rig.bus.watches.includes(SESSION_B), 'local spectators were not announced to the other processes');
});

test('figures of sessions nobody watches elsewhere stay off the bus', async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  a.conn.receive(frames.batch(1, typed('hello')));
  rig.hub.tick(rig.clock.now());
  assert.is(a.client.of(MessageType.Stats).length, 1);
  assert.equal(rig.bus.stats, []);
  rig.hub.remoteWatch(SESSION_A, rig.clock.now() - 61_000); // an interest that has lapsed
  rig.hub.tick(rig.clock.now() + 1000);
  assert.equal(rig.bus.stats, []);
});

test('the ticker runs often but sends a session\'s figures only when no ack carried them for 1.2 s', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1, typed('hello')));
  const now = rig.clock.now();
  for (let ms = 0; ms < 1200; ms += 100) rig.hub.tick(now + ms);
  assert.is(a.client.of(MessageType.Stats).length, 1);
  rig.hub.tick(now + 1200);
  assert.is(a.client.of(MessageType.Stats).length, 2);
});

test('figures ride with an ack, in the same write, when a second has passed since the last', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  a.conn.receive(frames.batch(1, typed('hello')));
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(a.client.log.slice(-2), ['ack:1', 'stats:5']);
  assert.equal(a.client.corked.at(-1), ['ack:1', 'stats:5'], 'ack and figures were not written together');
  assert.equal(watcher.client.of(MessageType.Stats).map((m) => m.keystrokes), [5]);
  // Within the second: the ack goes alone, and the ticker has nothing to send either.
  a.conn.receive(frames.batch(2, typed('abc', 1000)));
  rig.hub.committed(SESSION_A, a.id, 2);
  rig.hub.tick(rig.clock.now());
  assert.equal(a.client.log.slice(-1), ['ack:2']);
  assert.is(watcher.client.of(MessageType.Stats).length, 1);
});

test('tick sends nothing when nobody typed', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  rig.hub.tick(rig.clock.now());
  assert.equal(a.client.of(MessageType.Stats), []);
  assert.equal(watcher.client.of(MessageType.Stats), []);
  assert.equal(rig.bus.stats, []);
});

test('a session idle for longer than the live window stops producing stats', async () => {
  const rig = hubRig({ liveWindowMs: 10_000 });
  const a = await hello(rig);
  rig.hub.remoteWatch(SESSION_A, rig.clock.now() + 20_000);
  a.conn.receive(frames.batch(1, typed('abc')));
  rig.hub.tick(rig.clock.now() + 9_000);
  assert.is(a.client.of(MessageType.Stats).length, 1);
  rig.hub.tick(rig.clock.now() + 10_500);
  rig.hub.tick(rig.clock.now() + 11_500);
  assert.is(a.client.of(MessageType.Stats).length, 1);
  assert.is(rig.bus.stats.length, 1);
});

test('stats of a batch resent after a takeover count its keystrokes once', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1, typed('abc')));
  const b = await hello(rig); // batch 1 was not committed yet
  b.conn.receive(frames.batch(1, typed('abc')));
  b.conn.receive(frames.batch(2, typed('de', 600)));
  rig.hub.tick(rig.clock.now());
  assert.equal(b.client.of(MessageType.Stats).map((s) => s.keystrokes), [5]);
});

test('an ended session stops producing stats', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  a.conn.receive(frames.batch(1));
  rig.hub.committed(SESSION_A, a.id, 1);
  a.conn.receive(frames.end(1));
  await settle();
  assert.equal(a.client.log.slice(-2), ['ended:1', 'close:1000']);
  const before = watcher.client.received.length;
  rig.hub.tick(rig.clock.now() + 2000);
  assert.is(watcher.client.received.length, before);
  assert.equal(rig.bus.stats, []);
});

test('remoteStats reaches the spectators of that session here, not its typist nor other spectators', async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  const w1 = rig.open({ sessionId: SESSION_A, audience: 'watch' });
  const w2 = rig.open({ sessionId: SESSION_A, audience: 'watch' });
  const wb = rig.open({ sessionId: SESSION_B, audience: 'watch' });
  for (const w of [w1, w2]) w.conn.receive(frames.watch(SESSION_A));
  wb.conn.receive(frames.watch(SESSION_B));
  const figures = stats(SESSION_A, 120);
  rig.hub.remoteStats(figures);
  assert.equal(w1.client.of(MessageType.Stats), [figures]);
  assert.equal(w2.client.of(MessageType.Stats), [figures]);
  assert.equal(wb.client.of(MessageType.Stats), []);
  assert.equal(a.client.of(MessageType.Stats), []);
  assert.equal(rig.bus.stats, [], 'figures from the bus are not published back');
});

test('a spectator that left receives nothing more', async () => {
  const rig = hubRig();
  const w1 = rig.open({ audience: 'watch' });
  const w2 = rig.open({ audience: 'watch' });
  w1.conn.receive(frames.watch());
  w2.conn.receive(frames.watch());
  w1.hangUp();
  rig.hub.remoteStats(stats(SESSION_A, 1));
  assert.equal(w1.client.received, []);
  assert.is(w2.client.received.length, 1);
  w2.hangUp();
  rig.hub.remoteStats(stats(SESSION_A, 2));
  assert.is(w2.client.received.length, 1);
  assert.is(rig.hub.connectionCount, 0);
});

// Drain ------------------------------------------------------------------------------

test('drain waits for the writer to be idle, acks what commits meanwhile, then closes all with SERVER_SHUTDOWN 4000', async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  const b = await hello(rig, { sessionId: SESSION_B });
  const watcher = rig.open({ sessionId: SESSION_A, audience: 'watch' });
  watcher.conn.receive(frames.watch());
  a.conn.receive(frames.batch(1));
  let result: boolean | undefined;
  const draining = rig.hub.drain(5000).then((r) => (result = r));
  await settle();
  assert.equal(rig.writer.idleCalls, [5000]);
  assert.equal(a.client.log, ['welcome:0'], 'nobody is closed before the writer is idle');
  assert.not.ok(watcher.client.isClosed);
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(a.client.acks, [1], 'batches committed during the drain are acknowledged');
  rig.writer.idleResult.resolve(true);
  await draining;
  assert.is(result, true);
  for (const c of [a, b, watcher]) {
    assert.equal(c.client.log.slice(-2), ['error:SERVER_SHUTDOWN', 'close:4000'], c.id);
  }
  assert.is(rig.hub.connectionCount, 0);
});

test('a batch arriving after the drain began is not taken: the client is told to reconnect and resend', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  const draining = rig.hub.drain(1000);
  a.conn.receive(frames.batch(2));
  assert.equal(rig.writer.seqsOf(SESSION_A), [1]);
  assert.equal(a.client.log, ['welcome:0', 'error:SERVER_SHUTDOWN', 'close:4000']);
  rig.writer.idleResult.resolve(true);
  await draining;
});

test('drain that times out still closes every connection and reports it', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const draining = rig.hub.drain(100);
  rig.writer.idleResult.resolve(false);
  assert.is(await draining, false);
  assert.equal(a.client.log, ['welcome:0', 'error:SERVER_SHUTDOWN', 'close:4000']);
});

test('a hello during drain is refused with DATABASE_UNAVAILABLE 4003 (reconnect elsewhere), without a claim', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const draining = rig.hub.drain(1000);
  const late = await hello(rig);
  assert.equal(late.client.log, ['error:DATABASE_UNAVAILABLE', 'close:4003']);
  assert.is(rig.store.claims.length, 1);
  assert.equal(a.client.log, ['welcome:0']);
  rig.writer.idleResult.resolve(true);
  await draining;
});

test('an end waiting during drain closes with SERVER_SHUTDOWN', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  a.conn.receive(frames.end(1));
  await settle();
  const draining = rig.hub.drain(1000);
  rig.writer.idleResult.resolve(true);
  await draining;
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:SERVER_SHUTDOWN', 'close:4000']);
  assert.equal(rig.store.ended, []);
});

test('spectators are told where the typist is: live, offline when the connection drops, live again, then ended', async () => {
  const rig = hubRig();
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  await settle();
  assert.equal(watcher.client.log, ['presence:1'], 'nobody types it yet');
  const a = await hello(rig);
  assert.equal(watcher.client.log, ['presence:1', 'presence:0']);
  a.hangUp();
  assert.equal(watcher.client.log.at(-1), 'presence:1', 'the typist dropped');
  const again = await hello(rig);
  assert.equal(watcher.client.log.at(-1), 'presence:0');
  again.conn.receive(frames.end(0));
  await settle();
  await settle();
  assert.ok(again.client.isClosed, 'the typist was closed after ended');
  assert.equal(watcher.client.log.at(-1), 'presence:2', 'the session ended; the typist leaving after it is not offline');
});

test('a late spectator of an ended session gets its final figures, then ended', async () => {
  const rig = hubRig();
  rig.store.endedState.set(SESSION_A, keys(['KeyA', 'KeyB', 'KeyC', 'KeyD', 'KeyE', 'KeyF', 'KeyG'], 0));
  const watcher = rig.open({ audience: 'watch' });
  watcher.conn.receive(frames.watch());
  await settle();
  await settle();
  assert.equal(watcher.client.log, ['stats:7', 'presence:2']);
});

uvu.run();
