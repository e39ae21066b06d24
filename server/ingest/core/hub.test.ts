import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType } from '../../../shared/protocol/messages.ts';
import { connectionRefused, deferred, frames, hello, hubRig, keys, SESSION_A, SESSION_B, settle, protocolTest } from './testing/fakes.ts';
import type { ClaimResult } from './ports.ts';

const test = protocolTest(uvu);


// Claims and takeover ------------------------------------------------------------------

test('hello claims the session in the store and welcomes with its committed seq', async () => {
  const rig = hubRig();
  rig.store.committedSeq.set(SESSION_A, 12);
  const a = await hello(rig, { userId: 'u-1' });
  assert.equal(rig.store.claims, [{ sessionId: SESSION_A, userId: 'u-1', connectionId: a.id }]);
  assert.equal(a.client.log, ['welcome:12']);
  assert.equal(rig.bus.takeovers, [{ sessionId: SESSION_A, connectionId: a.id }]);
  assert.is(rig.hub.connectionCount, 1);
});

test('a second hello for the same session closes the first with SESSION_TAKEN_OVER 4106 and tells the bus', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  const b = await hello(rig);
  assert.equal(a.client.log, ['welcome:0', 'error:SESSION_TAKEN_OVER', 'close:4106']);
  assert.equal(b.client.log, ['welcome:0']);
  assert.equal(rig.bus.takeovers, [
    { sessionId: SESSION_A, connectionId: a.id },
    { sessionId: SESSION_A, connectionId: b.id },
  ]);
  assert.is(rig.hub.connectionCount, 1);
  // The new owner goes on from the committed seq: the resend of batch 1 is stored again, for b.
  b.conn.receive(frames.batch(1));
  assert.equal(rig.writer.seqsOf(SESSION_A, b.id), [1]);
});

test("a takeover drops the old connection's queued batches: only the new holder's are stored", async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  const other = await hello(rig, { sessionId: SESSION_B });
  a.conn.receive(frames.batch(1));
  a.conn.receive(frames.batch(2));
  other.conn.receive(frames.batch(1));
  const b = await hello(rig, { sessionId: SESSION_A });
  b.conn.receive(frames.batch(1));
  assert.equal(rig.writer.enqueued.map((q) => [q.sessionId, q.ownerId, q.seq]), [
    [SESSION_B, other.id, 1],
    [SESSION_A, b.id, 1],
  ]);
  // Another process takes SESSION_B: its queued batches here are dropped too.
  rig.store.holders.set(SESSION_B, 'ingest-2:c7');
  rig.hub.remoteTakeover(SESSION_B, 'ingest-2:c7');
  await settle();
  assert.equal(rig.writer.seqsOf(SESSION_B), []);
  assert.equal(rig.writer.seqsOf(SESSION_A, b.id), [1]);
  assert.equal(other.client.log, ['welcome:0', 'error:SESSION_TAKEN_OVER', 'close:4106']);
});

test('hellos for different sessions do not take each other over', async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  const b = await hello(rig, { sessionId: SESSION_B });
  assert.equal(a.client.log, ['welcome:0']);
  assert.equal(b.client.log, ['welcome:0']);
});

test('a refused claim does not take the session from its owner', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  rig.store.nextClaim = { ok: false, code: 'SESSION_FORBIDDEN', committedSeq: 0 };
  const intruder = await hello(rig, { userId: 'someone-else' });
  assert.equal(intruder.client.log, ['error:SESSION_FORBIDDEN', 'close:4105']);
  assert.equal(a.client.log, ['welcome:0']);
  assert.is(rig.bus.takeovers.length, 1);
  rig.hub.committed(SESSION_A, a.id, 0);
  a.conn.receive(frames.batch(1));
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(a.client.acks, [0, 1]);
});

test('a session store that throws on claim closes with DATABASE_UNAVAILABLE 4003 (reconnect), not a crash', async () => {
  const rig = hubRig();
  rig.store.nextClaim = connectionRefused();
  const a = await hello(rig);
  assert.equal(a.client.log, ['error:DATABASE_UNAVAILABLE', 'close:4003']);
  assert.equal(rig.bus.takeovers, []);
});

test('a connection gone before its claim is answered takes nothing over', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const answer = deferred<ClaimResult>();
  rig.store.nextClaim = answer;
  const b = rig.open();
  b.conn.receive(frames.hello());
  b.hangUp();
  answer.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(a.client.log, ['welcome:0']);
  assert.equal(b.client.log, []);
});

test('remoteTakeover closes a local owner with 4106; an echo of its own claim does not', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  rig.hub.remoteTakeover(SESSION_A, a.id);
  assert.equal(a.client.log, ['welcome:0']);
  rig.hub.remoteTakeover(SESSION_B, 'ingest-2:c1');
  assert.equal(a.client.log, ['welcome:0']);
  rig.store.holders.set(SESSION_A, 'ingest-2:c1');
  rig.hub.remoteTakeover(SESSION_A, 'ingest-2:c1');
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:SESSION_TAKEN_OVER', 'close:4106']);
  assert.is(rig.hub.connectionCount, 0);
});

test('other processes hear of a claim only when one of them may have held the session', async () => {
  const rig = hubRig();
  rig.store.nextClaim = { ok: true, committedSeq: 0, previousHolder: null };
  await hello(rig, { sessionId: SESSION_A });
  const here = rig.store.claims[0]!.connectionId;
  rig.store.nextClaim = { ok: true, committedSeq: 0, previousHolder: here };
  await hello(rig, { sessionId: SESSION_A });
  assert.is(rig.bus.takeovers.length, 0, 'a new session, then one held on this process: no notice');
  rig.store.nextClaim = { ok: true, committedSeq: 0, previousHolder: 'ingest-2:c4' };
  await hello(rig, { sessionId: SESSION_B });
  rig.store.nextClaim = { ok: true, committedSeq: 0 };
  await hello(rig, { sessionId: SESSION_B });
  assert.is(rig.bus.takeovers.length, 2, 'held on another process, or a store that does not say: a notice');
});

test('a late takeover notice, older than the claim made here, closes nothing and drops nothing', async () => {
  const rig = hubRig();
  // The typist was on another process (ingest-2:c1), then came here; that process's notice
  // of its own claim arrives only now. The database says this connection holds the session.
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  rig.hub.remoteTakeover(SESSION_A, 'ingest-2:c1');
  await settle();
  assert.equal(a.client.log, ['welcome:0']);
  assert.equal(rig.writer.seqsOf(SESSION_A, a.id), [1]);
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(a.client.acks, [1]);
});

test('a takeover notice the database cannot confirm leaves the connection open; a bug in the check is logged', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  rig.store.holderError = connectionRefused();
  rig.hub.remoteTakeover(SESSION_A, 'ingest-2:c1');
  await settle();
  assert.equal(a.client.log, ['welcome:0']);
  rig.store.holderError = new Error('a bug');
  rig.hub.remoteTakeover(SESSION_A, 'ingest-2:c1');
  await settle();
  assert.equal(a.client.log, ['welcome:0']);
  assert.equal(rig.log.events, ['ingest_takeover_check_failed']);
});

// Batches and acknowledgements ---------------------------------------------------------

test('batches go to the writer with session, owner, seq, events and fingers', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  const events = keys(['KeyA', 'Space', 'Unidentified']);
  a.conn.receive(frames.batch(1, events));
  assert.is(rig.writer.enqueued.length, 1);
  const batch = rig.writer.enqueued[0]!;
  assert.is(batch.sessionId, SESSION_A);
  assert.is(batch.ownerId, a.id);
  assert.is(batch.seq, 1);
  assert.equal(batch.events, events);
  assert.equal([...batch.fingers], [0, 0, 5, 5, 10, 10]);
  assert.is(batch.receivedAt, rig.clock.now());
});

test('committed callback: a cumulative ack on the owning connection only', async () => {
  const rig = hubRig();
  const a = await hello(rig, { sessionId: SESSION_A });
  const b = await hello(rig, { sessionId: SESSION_B });
  for (const seq of [1, 2, 3]) a.conn.receive(frames.batch(seq));
  b.conn.receive(frames.batch(1));
  rig.hub.committed(SESSION_A, a.id, 3);
  assert.equal(a.client.acks, [3]);
  assert.equal(b.client.acks, []);
  rig.hub.committed(SESSION_B, b.id, 1);
  assert.equal(a.client.acks, [3]);
  assert.equal(b.client.acks, [1]);
});

test('a committed callback for a replaced owner does not ack the new owner', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  const b = await hello(rig);
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(b.client.acks, []);
  assert.equal(a.client.acks, [], 'a is closed: nothing after its close');
});

test('a committed callback after the owner left is dropped quietly', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  a.hangUp();
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(a.client.log, ['welcome:0']);
  assert.is(rig.hub.connectionCount, 0);
});

test('buffer level: ok below the throttle mark, throttle message above it, SERVER_OVERLOADED when full', async () => {
  const rig = hubRig({ bufferCapBytes: 1000, throttleAt: 0.5 });
  const a = await hello(rig);
  rig.writer.bufferedBytes = 499;
  a.conn.receive(frames.batch(1));
  assert.equal(a.client.log, ['welcome:0']);
  rig.writer.bufferedBytes = 500;
  a.conn.receive(frames.batch(2));
  assert.equal(a.client.log, ['welcome:0', 'throttle:500']);
  rig.writer.bufferedBytes = 1000;
  a.conn.receive(frames.batch(3));
  assert.equal(a.client.log, ['welcome:0', 'throttle:500', 'error:SERVER_OVERLOADED', 'close:4001']);
  assert.equal(rig.writer.seqsOf(SESSION_A), [1, 2]);
});

test("rejected('taken_over') aborts the connection with SESSION_TAKEN_OVER 4106", async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  rig.hub.rejected(SESSION_A, a.id, 'taken_over', 0);
  assert.equal(a.client.log, ['welcome:0', 'error:SESSION_TAKEN_OVER', 'close:4106']);
  assert.is(rig.hub.connectionCount, 0);
});

test('every writer rejection closes with its own code and the committed seq', async () => {
  const cases = [
    ['ended', 'SESSION_ENDED', 4108],
    ['unknown_session', 'UNKNOWN_SESSION', 4111],
    ['sequence_gap', 'SEQUENCE_GAP', 4107],
    ['internal', 'INTERNAL_ERROR', 1011],
  ] as const;
  for (const [reason, code, close] of cases) {
    const rig = hubRig();
    const a = await hello(rig);
    const other = await hello(rig, { sessionId: SESSION_B });
    rig.hub.rejected(SESSION_A, a.id, reason, 7);
    assert.equal(a.client.log, ['welcome:0', `error:${code}`, `close:${close}`], reason);
    assert.is(a.client.of(MessageType.Error)[0]!.seq, 7);
    assert.equal(other.client.log, ['welcome:0'], 'another session is untouched');
  }
});

// End ----------------------------------------------------------------------------------

test('end waits for the commit of the last batch, marks the session ended, then ack, ended and 1000', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  a.conn.receive(frames.batch(2));
  a.conn.receive(frames.end(2));
  await settle();
  assert.equal(rig.store.ended, []);
  rig.hub.committed(SESSION_A, a.id, 1);
  await settle();
  // The first ack carries the live figures (4 keystrokes of batches 1 and 2 so far).
  assert.equal(a.client.log, ['welcome:0', 'ack:1', 'stats:4'], 'not ended before batch 2 is committed');
  rig.hub.committed(SESSION_A, a.id, 2);
  await settle();
  assert.equal(rig.store.ended, [{ sessionId: SESSION_A, connectionId: a.id }]);
  assert.equal(a.client.log.slice(-3), ['ack:2', 'ended:2', 'close:1000']);
  assert.ok(a.client.acks.includes(1) && a.client.acks.at(-1) === 2);
  assert.is(rig.hub.connectionCount, 0);
});

test('end of batches already committed ends at once', async () => {
  const rig = hubRig();
  rig.store.committedSeq.set(SESSION_A, 9);
  const a = await hello(rig);
  a.conn.receive(frames.end(9));
  await settle();
  assert.equal(a.client.log, ['welcome:9', 'ack:9', 'ended:9', 'close:1000']);
});

test('end that is never committed times out with DATABASE_UNAVAILABLE 4003 and does not mark it ended', async () => {
  const rig = hubRig({ endTimeoutMs: 30 });
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  a.conn.receive(frames.end(1));
  await settle();
  rig.clock.advance(29);
  assert.equal(a.client.log, ['welcome:0']);
  rig.clock.advance(1);
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:DATABASE_UNAVAILABLE', 'close:4003']);
  assert.equal(rig.store.ended, []);
  // A commit that comes late still reaches nobody and breaks nothing.
  rig.hub.committed(SESSION_A, a.id, 1);
  assert.equal(a.client.acks, []);
});

test('end when the session was taken over in the database: SESSION_TAKEN_OVER 4106', async () => {
  const rig = hubRig();
  rig.store.markEndedResult = 'taken_over';
  const a = await hello(rig);
  a.conn.receive(frames.end(0));
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:SESSION_TAKEN_OVER', 'close:4106']);
});

test('end when marking it ended fails: DATABASE_UNAVAILABLE 4003, the client may try again', async () => {
  const rig = hubRig();
  rig.store.markEndedResult = connectionRefused();
  const a = await hello(rig);
  a.conn.receive(frames.end(0));
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:DATABASE_UNAVAILABLE', 'close:4003']);
});

test('a rejection of the old owner\'s leftover batches does not fail the new owner\'s end', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1)); // in the writer's queue under a
  const b = await hello(rig); // a is taken over before batch 1 is committed
  b.conn.receive(frames.batch(1)); // the client resends it to b
  b.conn.receive(frames.end(1));
  await settle();
  // The writer now meets a's batch: a no longer holds the session.
  rig.hub.rejected(SESSION_A, a.id, 'taken_over', 0);
  await settle();
  assert.equal(b.client.log, ['welcome:0'], 'b is still waiting for its commit');
  rig.hub.committed(SESSION_A, b.id, 1);
  await settle();
  assert.equal(b.client.log, ['welcome:0', 'ack:1', 'stats:2', 'ack:1', 'ended:1', 'close:1000']);
  assert.equal(rig.store.ended, [{ sessionId: SESSION_A, connectionId: b.id }]);
});

test('a rejection of the owner while it waits to end closes it with the rejection', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  a.conn.receive(frames.batch(1));
  a.conn.receive(frames.end(1));
  await settle();
  rig.hub.rejected(SESSION_A, a.id, 'internal', 0);
  await settle();
  assert.equal(a.client.log, ['welcome:0', 'error:INTERNAL_ERROR', 'close:1011']);
  assert.equal(rig.store.ended, []);
});

test('hello for an ended session: welcome, ended, close 1000, and no ownership', async () => {
  const rig = hubRig();
  const a = await hello(rig);
  rig.store.nextClaim = { ok: false, code: 'SESSION_ENDED', committedSeq: 4 };
  const late = await hello(rig);
  assert.equal(late.client.log, ['welcome:4', 'ended:4', 'close:1000']);
  assert.equal(a.client.log, ['welcome:0'], 'the owner is not taken over by a claim that failed');
});

uvu.run();
