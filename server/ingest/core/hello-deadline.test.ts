import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType } from '../../../shared/protocol/messages.ts';
import { encodeMessage } from '../../../shared/protocol/codec.ts';
import { connection, deferred, frames, LIMITS, protocolTest, settle } from './testing/fakes.ts';
import type { ClaimResult } from './ports.ts';

// PROTOCOL.md §4: a connection that answers pings but never says hello (or watch) is closed
// with IDLE_TIMEOUT 4004 once the hello deadline passes; saying either one in time stops it.
const test = protocolTest(uvu);
const ping = (n: number) => encodeMessage({ t: MessageType.Ping, n });

test('no hello within the deadline: error IDLE_TIMEOUT, close 4004 with the code as reason', () => {
  const { conn, ports } = connection();
  ports.now += LIMITS.helloTimeoutMs - 1;
  conn.receive(ping(1));
  assert.equal(ports.client.log, ['pong:1'], 'pings are answered but do not extend the deadline');
  ports.now += 1;
  assert.equal(ports.client.log, ['pong:1', 'error:IDLE_TIMEOUT', 'close:4004']);
  assert.equal(ports.client.closes[0], { code: 4004, reason: 'IDLE_TIMEOUT' });
  assert.is(ports.clock.pending, 0);
});

test('a hello in time stops the deadline, even while its claim is still unanswered', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  ports.now += 500;
  conn.receive(frames.hello());
  ports.now += LIMITS.helloTimeoutMs * 3;
  claim.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(ports.client.log, ['welcome:0']);
  assert.is(ports.clock.pending, 0);
});

test('a watch in time stops the deadline too', () => {
  const { conn, ports } = connection({ audience: 'watch' });
  conn.receive(frames.watch());
  ports.now += LIMITS.helloTimeoutMs * 2;
  assert.equal(ports.client.log, []);
  assert.is(ports.watches.length, 1);
});

test('a connection closed before the deadline leaves no timer behind', () => {
  const { conn, ports } = connection();
  conn.closed();
  assert.is(ports.clock.pending, 0);
  ports.now += LIMITS.helloTimeoutMs;
  assert.equal(ports.client.log, []);
});

test('the deadline is a setting: a shorter one closes sooner', () => {
  const { ports } = connection({}, { helloTimeoutMs: 1000 });
  ports.now += 999;
  assert.equal(ports.client.log, []);
  ports.now += 1;
  assert.equal(ports.client.log, ['error:IDLE_TIMEOUT', 'close:4004']);
});

uvu.run();
