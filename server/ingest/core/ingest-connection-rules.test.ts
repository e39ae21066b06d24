import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_SESSION_SPAN_US } from '../../../shared/protocol/limits.ts';
import { connection, frames, protocolTest, settle, streaming, typed } from './testing/fakes.ts';
import type { ProtocolReport } from './ports.ts';

const test = protocolTest(uvu);

function reports(ports: object): ProtocolReport[] {
  const list: ProtocolReport[] = [];
  (ports as { report(r: ProtocolReport): void }).report = (r) => list.push(r);
  return list;
}

test('an offset before the previous batch ends: OFFSET_DECREASED 4114, not stored', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(1, typed('ab', 1000)));
  conn.receive(frames.batch(2, typed('c', 500)));
  assert.equal(ports.client.log, ['welcome:0', 'error:OFFSET_DECREASED', 'close:4114']);
  assert.equal(ports.storedSeqs, [1]);
});

test('after a reconnect the first batch continues from the last stored offset', async () => {
  const { conn, ports } = connection();
  ports.claimResult = { ok: true, committedSeq: 3, lastOffsetUs: 5_000_000 };
  conn.receive(frames.hello());
  await settle();
  conn.receive(frames.batch(4, typed('a', 4000)));
  assert.equal(ports.client.log, ['welcome:3', 'error:OFFSET_DECREASED', 'close:4114']);
});

test('an offset past the longest session: SESSION_TOO_LONG 4113', async () => {
  const { conn, ports } = await streaming(0);
  const events = typed('ab');
  events[3] = { ...events[3]!, offsetUs: MAX_SESSION_SPAN_US + 1 };
  conn.receive(frames.batch(1, events));
  assert.equal(ports.client.log, ['welcome:0', 'error:SESSION_TOO_LONG', 'close:4113']);
  assert.equal(ports.storedSeqs, []);
});

test('the daily event quota: the batch that would pass it is EVENT_QUOTA_EXCEEDED 4115', async () => {
  const { conn, ports } = connection();
  ports.claimResult = { ok: true, committedSeq: 0, eventsLeft: 6 };
  conn.receive(frames.hello());
  await settle();
  conn.receive(frames.batch(1, typed('ab', 0))); // 4 events
  conn.receive(frames.batch(2, typed('ab', 1000))); // 4 more: over
  assert.equal(ports.client.log, ['welcome:0', 'error:EVENT_QUOTA_EXCEEDED', 'close:4115']);
  assert.equal(ports.storedSeqs, [1]);
});

test('a resend with different content is acked as before and reported; the same content is not', async () => {
  const { conn, ports } = await streaming(0);
  const seen = reports(ports);
  conn.receive(frames.batch(1, typed('ab')));
  conn.receive(frames.batch(1, typed('ab')));
  assert.equal(seen.filter((r) => r.kind === 'seq_conflict'), []);
  conn.receive(frames.batch(1, typed('xy')));
  assert.equal(seen.filter((r) => r.kind === 'seq_conflict'), [{ kind: 'seq_conflict', sessionId: conn.sessionId, seq: 1 }]);
  assert.equal(ports.storedSeqs, [1]);
  assert.equal(ports.stored[0]!.events, typed('ab'), 'the first content is kept');
});

test('hello.lastAckedSeq beyond committedSeq is reported as acknowledged data lost', async () => {
  const { conn, ports } = connection();
  const seen = reports(ports);
  ports.claimResult = { ok: true, committedSeq: 2 };
  conn.receive(frames.hello(undefined, { lastAckedSeq: 5 }));
  await settle();
  assert.equal(ports.client.log, ['welcome:2']);
  assert.equal(seen, [{ kind: 'acked_data_lost', sessionId: conn.sessionId, lastAckedSeq: 5, committedSeq: 2 }]);
});

test('every refusal is reported with its code', async () => {
  const { conn, ports } = await streaming(0);
  const seen = reports(ports);
  conn.receive(frames.batch(3));
  assert.equal(seen.map((r) => (r.kind === 'violation' ? r.code : r.kind)), ['SEQUENCE_GAP']);
});

uvu.run();

test('a claim or end the database could not answer is reported with its cause, which the client never sees', async () => {
  const claimed = connection();
  const seenClaim = reports(claimed.ports);
  claimed.ports.claimResult = { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0, cause: 'timeout exceeded when trying to connect' };
  claimed.conn.receive(frames.hello());
  await settle();
  assert.equal(claimed.ports.client.log, ['error:DATABASE_UNAVAILABLE', 'close:4003']);
  assert.equal(seenClaim.filter((r) => r.kind === 'database_unavailable'), [
    { kind: 'database_unavailable', sessionId: claimed.conn.sessionId, during: 'claim', cause: 'timeout exceeded when trying to connect' },
  ]);
  assert.not.ok(JSON.stringify(claimed.ports.client.received).includes('timeout exceeded'));

  const { conn, ports } = await streaming(0);
  const seenEnd = reports(ports);
  ports.endResult = { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0, cause: 'connection terminated unexpectedly' };
  conn.receive(frames.end(0));
  await settle();
  assert.equal(seenEnd.filter((r) => r.kind === 'database_unavailable'), [
    { kind: 'database_unavailable', sessionId: conn.sessionId, during: 'end', cause: 'connection terminated unexpectedly' },
  ]);
});
