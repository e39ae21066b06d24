import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage } from '../../../shared/protocol/codec.ts';
import { MessageType } from '../../../shared/protocol/messages.ts';
import {
  connection, deferred, frames, SESSION_A, settle, streaming, protocolTest, typed,
} from './testing/fakes.ts';
import type { ClaimResult, EndResult } from './ports.ts';

const test = protocolTest(uvu);

// Flow control -------------------------------------------------------------------------

test('a full buffer: SERVER_OVERLOADED, close 4001, the batch is neither stored nor acked', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(1));
  ports.level = 'full';
  conn.receive(frames.batch(2));
  assert.equal(ports.client.log, ['welcome:0', 'error:SERVER_OVERLOADED', 'close:4001']);
  assert.is(ports.client.of(MessageType.Error)[0]!.seq, 2);
  assert.equal(ports.storedSeqs, [1]);
});

test('a resend is still acked when the buffer is full (it costs nothing)', async () => {
  const { conn, ports } = await streaming(4);
  ports.level = 'full';
  conn.receive(frames.batch(3));
  assert.equal(ports.client.log, ['welcome:4', 'ack:4']);
});

test('throttle: the batch is stored and the client told to pause, at most once per retry period', async () => {
  const { conn, ports } = await streaming(0, {}, { throttleRetryMs: 500 });
  ports.level = 'throttle';
  conn.receive(frames.batch(1));
  assert.equal(ports.storedSeqs, [1]);
  assert.equal(ports.client.of(MessageType.Throttle), [{ t: MessageType.Throttle, retryAfterMs: 500 }]);
  ports.now += 499;
  conn.receive(frames.batch(2));
  assert.equal(ports.storedSeqs, [1, 2]);
  assert.is(ports.client.of(MessageType.Throttle).length, 1, 'not again within the retry period');
  ports.now += 1;
  conn.receive(frames.batch(3));
  assert.is(ports.client.of(MessageType.Throttle).length, 2, 'again once the period has passed');
  ports.level = 'ok';
  ports.now += 10_000;
  conn.receive(frames.batch(4));
  assert.equal(ports.storedSeqs, [1, 2, 3, 4]);
  assert.is(ports.client.of(MessageType.Throttle).length, 2, 'no throttle when the buffer is fine');
  assert.not.ok(ports.client.isClosed);
});

test('frames beyond the budget are still stored and answered with throttle, once per pause', async () => {
  const { conn, ports } = await streaming(0, {}, { framesPerSecond: 10, frameBurst: 4 });
  // hello took one token; three more frames fit in the burst
  for (let seq = 1; seq <= 3; seq++) conn.receive(frames.batch(seq));
  assert.equal(ports.client.of(MessageType.Throttle), []);
  conn.receive(frames.batch(4));
  conn.receive(frames.batch(5));
  assert.equal(ports.storedSeqs, [1, 2, 3, 4, 5], 'no hole in the pipelined seqs');
  assert.equal(ports.client.of(MessageType.Throttle), [{ t: MessageType.Throttle, retryAfterMs: 100 }], 'one frame over: 100 ms at 10/s');
  ports.now += 300; // the client paused as told
  conn.receive(frames.batch(6));
  assert.is(ports.client.of(MessageType.Throttle).length, 1);
  assert.not.ok(ports.client.isClosed);
});

test('a client that keeps sending a second burst beyond the budget is closed with a reconnect code', async () => {
  const { conn, ports } = await streaming(0, {}, { framesPerSecond: 10, frameBurst: 4 });
  for (let seq = 1; seq <= 7; seq++) conn.receive(frames.batch(seq));
  assert.not.ok(ports.client.isClosed);
  conn.receive(frames.batch(8));
  assert.equal(ports.client.errors, ['THROTTLE_IGNORED']);
  assert.equal(ports.client.closeCode, 4005);
  assert.equal(ports.storedSeqs, [1, 2, 3, 4, 5, 6, 7]);
});

test('the frame budget refills with time, so a steady typist is never limited', async () => {
  const { conn, ports } = await streaming(0, {}, { framesPerSecond: 10, frameBurst: 2 });
  for (let seq = 1; seq <= 50; seq++) {
    ports.now += 100; // exactly the allowed rate
    conn.receive(frames.batch(seq));
  }
  assert.not.ok(ports.client.isClosed);
  assert.is(ports.stored.length, 50);
});

test('a wall clock stepping backwards does not rate-limit a steady typist', async () => {
  const { conn, ports } = await streaming(0, {}, { framesPerSecond: 10, frameBurst: 5 });
  ports.now -= 60_000; // NTP steps the clock back a minute
  for (let seq = 1; seq <= 20; seq++) {
    ports.now += 100;
    conn.receive(frames.batch(seq));
  }
  assert.equal(ports.client.errors, []);
  assert.is(ports.stored.length, 20);
});

// Malformed input ----------------------------------------------------------------------

test('malformed bytes get MALFORMED_FRAME 4101', () => {
  const inputs = [new Uint8Array([0xc1]), new Uint8Array(0), new Uint8Array([0xc4, 0x01, 0x00]), new Uint8Array([0x93, 0x01])];
  for (const bytes of inputs) {
    const { conn, ports } = connection();
    conn.receive(bytes);
    assert.equal(ports.client.log, ['error:MALFORMED_FRAME', 'close:4101'], `bytes ${[...bytes].join(',')}`);
  }
});

test('malformed bytes after hello close the session without storing', async () => {
  const { conn, ports } = await streaming(0);
  const frame = frames.batch(1);
  conn.receive(frame.subarray(0, frame.length - 3));
  assert.equal(ports.client.log, ['welcome:0', 'error:MALFORMED_FRAME', 'close:4101']);
  assert.equal(ports.stored, []);
});

test('a frame beyond maxFrameBytes gets FRAME_TOO_LARGE 4102', async () => {
  const { conn, ports } = await streaming(0, {}, { maxFrameBytes: 1024 });
  const frame = frames.batch(1, typed('abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'));
  assert.ok(frame.length > 1024);
  conn.receive(frame);
  assert.equal(ports.client.log, ['welcome:0', 'error:FRAME_TOO_LARGE', 'close:4102']);
  assert.equal(ports.stored, []);
});

test('a batch with more events than allowed gets TOO_MANY_EVENTS 4103', async () => {
  const { conn, ports } = await streaming(0, {}, { maxEventsPerBatch: 4 });
  conn.receive(frames.batch(1, typed('abc')));
  assert.equal(ports.client.log, ['welcome:0', 'error:TOO_MANY_EVENTS', 'close:4103']);
  assert.equal(ports.stored, []);
});

test('a message with an out-of-range field gets INVALID_MESSAGE 4104', async () => {
  const { conn, ports } = await streaming(0);
  const event = { ...typed('a')[0]!, code: '' };
  conn.receive(encodeMessage({ t: MessageType.Batch, seq: 1, events: [event] }));
  assert.equal(ports.client.log, ['welcome:0', 'error:INVALID_MESSAGE', 'close:4104']);
  assert.equal(ports.stored, []);
});

// End ----------------------------------------------------------------------------------

test('end with the last seq waits for the commit, then ack, ended and close 1000', async () => {
  const { conn, ports } = await streaming(0, { connectionId: 'ingest-1:c5' });
  conn.receive(frames.batch(1));
  conn.receive(frames.batch(2));
  const done = deferred<EndResult>();
  ports.endResult = done;
  conn.receive(frames.end(2));
  await settle();
  assert.equal(ports.ends, [{ sessionId: SESSION_A, connectionId: 'ingest-1:c5', lastSeq: 2 }]);
  assert.equal(ports.client.log, ['welcome:0'], 'nothing before the commit');
  done.resolve({ ok: true, committedSeq: 2 });
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'ack:2', 'ended:2', 'close:1000']);
  assert.equal(ports.client.closes, [{ code: 1000, reason: 'session ended' }]);
});

test('acks that arrive while ending are still sent; a batch while ending is refused', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(1));
  ports.endResult = deferred<EndResult>();
  conn.receive(frames.end(1));
  await settle();
  conn.committed(1);
  assert.equal(ports.client.log, ['welcome:0', 'ack:1']);
  conn.receive(frames.batch(2));
  assert.equal(ports.client.log, ['welcome:0', 'ack:1', 'error:UNEXPECTED_MESSAGE', 'close:4112']);
  assert.equal(ports.storedSeqs, [1]);
});

test('end of a session without batches: end 0 ends it', async () => {
  const { conn, ports } = await streaming(0);
  ports.endResult = { ok: true, committedSeq: 0 };
  conn.receive(frames.end(0));
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'ack:0', 'ended:0', 'close:1000']);
});

test('end with a seq other than the last received gets SEQUENCE_GAP 4107 and does not end', async () => {
  for (const seq of [3, 1]) {
    const { conn, ports } = await streaming(0);
    conn.receive(frames.batch(1));
    conn.receive(frames.batch(2));
    conn.receive(frames.end(seq));
    await settle();
    assert.equal(ports.client.log, ['welcome:0', 'error:SEQUENCE_GAP', 'close:4107'], `end ${seq}`);
    assert.is(ports.client.of(MessageType.Error)[0]!.seq, seq);
    assert.equal(ports.ends, []);
  }
});

test('an end that cannot complete closes with the reason the hub gives', async () => {
  const cases: Array<[EndResult & { ok: false }, number]> = [
    [{ ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 1 }, 4003],
    [{ ok: false, code: 'SESSION_TAKEN_OVER', committedSeq: 1 }, 4106],
    [{ ok: false, code: 'SERVER_SHUTDOWN', committedSeq: 0 }, 4000],
  ];
  for (const [result, close] of cases) {
    const { conn, ports } = await streaming(0);
    conn.receive(frames.batch(1));
    ports.endResult = result;
    conn.receive(frames.end(1));
    await settle();
    assert.equal(ports.client.log, ['welcome:0', `error:${result.code}`, `close:${close}`], result.code);
    assert.equal(ports.client.of(MessageType.Ended), []);
  }
});

test('an end that throws closes with INTERNAL_ERROR 1011 instead of an unhandled rejection', async () => {
  const { conn, ports } = await streaming(0);
  const done = deferred<EndResult>();
  ports.endResult = done;
  conn.receive(frames.end(0));
  done.reject(new Error('boom'));
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'error:INTERNAL_ERROR', 'close:1011']);
});

test('a second end while ending gets UNEXPECTED_MESSAGE', async () => {
  const { conn, ports } = await streaming(0);
  ports.endResult = deferred<EndResult>();
  conn.receive(frames.end(0));
  conn.receive(frames.end(0));
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'error:UNEXPECTED_MESSAGE', 'close:4112']);
});

// Nothing after close ------------------------------------------------------------------

test('after a close nothing is sent and nothing is stored, whatever arrives', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(1));
  conn.receive(frames.batch(3)); // gap: closed
  const before = [...ports.client.log];
  conn.receive(frames.batch(2));
  conn.receive(frames.end(1));
  conn.receive(new Uint8Array([0xc1]));
  conn.committed(2);
  conn.abort('SERVER_SHUTDOWN', 'bye');
  await settle();
  assert.equal(ports.client.log, before);
  assert.equal(ports.storedSeqs, [1]);
  assert.equal(ports.ends, []);
});

test('a socket closed by the client while the claim is pending: no welcome is sent', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  conn.closed();
  claim.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(ports.client.log, []);
  assert.not.ok(conn.isStreaming);
});

test('an abort while the claim is pending wins: error and close, and no welcome after', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  conn.abort('SESSION_TAKEN_OVER', 'another connection said hello');
  claim.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(ports.client.log, ['error:SESSION_TAKEN_OVER', 'close:4106']);
});

test('an abort while ending wins over a late end result', async () => {
  const { conn, ports } = await streaming(0);
  const done = deferred<EndResult>();
  ports.endResult = done;
  conn.receive(frames.end(0));
  await settle();
  conn.abort('SERVER_SHUTDOWN', 'the server is shutting down');
  done.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'error:SERVER_SHUTDOWN', 'close:4000']);
});

test('abort carries the seq it concerns and closes with the code of that name', async () => {
  const { conn, ports } = await streaming(0);
  conn.abort('INTERNAL_ERROR', 'could not store', 3);
  assert.equal(ports.client.of(MessageType.Error), [{ t: MessageType.Error, code: 'INTERNAL_ERROR', message: 'could not store', seq: 3 }]);
  assert.equal(ports.client.closeCode, 1011);
});

uvu.run();
