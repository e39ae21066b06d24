import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage } from '../../shared/protocol/codec.ts';
import { Finger } from '../../shared/metrics/fingers.ts';
import { MessageType } from '../../shared/protocol/messages.ts';
import { sampleEvents } from '../../shared/protocol/testing/sample-messages.ts';
import {
  connection, deferred, frames, keys, SESSION_A, SESSION_B, settle, streaming, protocolTest, typed,
} from './testing/fakes.ts';
import type { ClaimResult, EndResult } from './ports.ts';

const test = protocolTest(uvu);

// Handshake ----------------------------------------------------------------------------

test('hello is answered with welcome carrying the committed seq, limits and server id', async () => {
  const { conn, ports } = connection({ connectionId: 'ingest-7:c42', userId: 'u-9' }, { maxEventsPerBatch: 128, maxFrameBytes: 32_768 });
  ports.claimResult = { ok: true, committedSeq: 17 };
  conn.receive(frames.hello(SESSION_A, { lastAckedSeq: 15 }));
  await settle();
  assert.equal(ports.claims, [{ sessionId: SESSION_A, userId: 'u-9', connectionId: 'ingest-7:c42' }]);
  assert.equal(ports.client.received, [
    { t: MessageType.Welcome, v: 1, sessionId: SESSION_A, committedSeq: 17, serverId: 'ingest-7', maxEventsPerBatch: 128, maxFrameBytes: 32_768 },
  ]);
  assert.not.ok(ports.client.isClosed);
  assert.ok(conn.isStreaming);
});

test('nothing is sent before the claim is answered', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  await settle();
  assert.equal(ports.client.log, []);
  claim.resolve({ ok: true, committedSeq: 3 });
  await settle();
  assert.equal(ports.client.log, ['welcome:3']);
});

test('a batch before hello gets HELLO_REQUIRED and close 4109, and is not stored', () => {
  const { conn, ports } = connection();
  conn.receive(frames.batch(1));
  assert.equal(ports.client.log, ['error:HELLO_REQUIRED', 'close:4109']);
  assert.equal(ports.stored, []);
  assert.equal(ports.claims, []);
});

test('a batch while the claim is pending gets HELLO_REQUIRED; the late claim sends nothing', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  conn.receive(frames.batch(1));
  claim.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(ports.client.log, ['error:HELLO_REQUIRED', 'close:4109']);
  assert.equal(ports.stored, []);
});

test('end before hello gets HELLO_REQUIRED', () => {
  const { conn, ports } = connection();
  conn.receive(frames.end(0));
  assert.equal(ports.client.log, ['error:HELLO_REQUIRED', 'close:4109']);
  assert.equal(ports.ends, []);
});

test('a hello with another protocol version gets UNSUPPORTED_VERSION and close 4100', async () => {
  const { conn, ports } = connection();
  conn.receive(frames.hello(SESSION_A, { v: 2 }));
  await settle();
  assert.equal(ports.client.log, ['error:UNSUPPORTED_VERSION', 'close:4100']);
  assert.equal(ports.claims, [], 'no claim for a client we cannot speak to');
});

test('a hello for another session than the ticket gets SESSION_FORBIDDEN 4105 without a claim', async () => {
  const { conn, ports } = connection({ sessionId: SESSION_A });
  conn.receive(frames.hello(SESSION_B));
  await settle();
  assert.equal(ports.client.log, ['error:SESSION_FORBIDDEN', 'close:4105']);
  assert.equal(ports.claims, []);
});

test('a watch ticket cannot say hello: SESSION_FORBIDDEN 4105', async () => {
  const { conn, ports } = connection({ audience: 'watch' });
  conn.receive(frames.hello(SESSION_A));
  await settle();
  assert.equal(ports.client.log, ['error:SESSION_FORBIDDEN', 'close:4105']);
  assert.equal(ports.claims, []);
});

test('a refused claim closes with the refusal code and the committed seq in the error', async () => {
  const cases: Array<[ClaimResult & { ok: false }, number]> = [
    [{ ok: false, code: 'UNKNOWN_SESSION', committedSeq: 0 }, 4111],
    [{ ok: false, code: 'SESSION_FORBIDDEN', committedSeq: 0 }, 4105],
    [{ ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0 }, 4003],
  ];
  for (const [result, close] of cases) {
    const { conn, ports } = connection();
    ports.claimResult = result;
    conn.receive(frames.hello());
    await settle();
    assert.equal(ports.client.log, [`error:${result.code}`, `close:${close}`], result.code);
    assert.not.ok(conn.isStreaming);
  }
});

test('a claim that throws closes with INTERNAL_ERROR 1011 instead of an unhandled rejection', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  claim.reject(new Error('connection terminated'));
  await settle();
  assert.equal(ports.client.log, ['error:INTERNAL_ERROR', 'close:1011']);
});

test('hello for an ENDED session: welcome with the final seq, then ended, then close 1000', async () => {
  const { conn, ports } = connection();
  ports.claimResult = { ok: false, code: 'SESSION_ENDED', committedSeq: 42 };
  conn.receive(frames.hello());
  await settle();
  assert.equal(ports.client.log, ['welcome:42', 'ended:42', 'close:1000']);
  assert.equal(ports.client.of(MessageType.Ended), [{ t: MessageType.Ended, committedSeq: 42 }]);
  conn.receive(frames.batch(43));
  assert.equal(ports.stored, []);
  assert.equal(ports.client.log.length, 3, 'nothing after the close');
});

test('a second hello gets UNEXPECTED_MESSAGE 4112', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.hello());
  await settle();
  assert.equal(ports.client.log, ['welcome:0', 'error:UNEXPECTED_MESSAGE', 'close:4112']);
  assert.is(ports.claims.length, 1);
});

test('a server message sent by the client gets UNEXPECTED_MESSAGE 4112', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(encodeMessage({ t: MessageType.Ack, seq: 1 }));
  assert.equal(ports.client.log, ['welcome:0', 'error:UNEXPECTED_MESSAGE', 'close:4112']);
});

// Watching -----------------------------------------------------------------------------

test('watch with a watch ticket for its session registers the spectator and sends nothing', () => {
  const { conn, ports } = connection({ audience: 'watch', connectionId: 'ingest-1:w1' });
  conn.receive(frames.watch(SESSION_A));
  assert.equal(ports.watches, [{ sessionId: SESSION_A, connectionId: 'ingest-1:w1' }]);
  assert.equal(ports.client.log, []);
  assert.ok(conn.isWatching);
});

test('watch refused: an ingest ticket, or another session than the ticket', () => {
  for (const [audience, session] of [['ingest', SESSION_A], ['watch', SESSION_B]] as const) {
    const { conn, ports } = connection({ audience, sessionId: SESSION_A });
    conn.receive(frames.watch(session));
    assert.equal(ports.client.log, ['error:SESSION_FORBIDDEN', 'close:4105'], `${audience} ${session}`);
    assert.equal(ports.watches, []);
  }
});

test('a spectator that sends a batch gets UNEXPECTED_MESSAGE, nothing is stored', () => {
  const { conn, ports } = connection({ audience: 'watch' });
  conn.receive(frames.watch());
  conn.receive(frames.batch(1));
  assert.equal(ports.client.log, ['error:UNEXPECTED_MESSAGE', 'close:4112']);
  assert.equal(ports.stored, []);
});

test('watch after hello gets UNEXPECTED_MESSAGE', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.watch());
  assert.equal(ports.client.log, ['welcome:0', 'error:UNEXPECTED_MESSAGE', 'close:4112']);
  assert.equal(ports.watches, []);
});

// Sequence and acknowledgement ---------------------------------------------------------

test('the next seq is stored with its session, connection, events and fingers from the physical key', async () => {
  const { conn, ports } = await streaming(0, { connectionId: 'ingest-1:c9' });
  const events = keys(['KeyA', 'Space', 'F13', 'KeyJ', 'ShiftRight']);
  conn.receive(frames.batch(1, events));
  assert.is(ports.stored.length, 1);
  const stored = ports.stored[0]!;
  assert.is(stored.sessionId, SESSION_A);
  assert.is(stored.connectionId, 'ingest-1:c9');
  assert.is(stored.seq, 1);
  assert.equal(stored.events, events);
  assert.equal([...stored.fingers], [
    Finger.LEFT_PINKY, Finger.LEFT_PINKY, // KeyA down, up
    Finger.RIGHT_THUMB, Finger.RIGHT_THUMB, // Space
    Finger.UNKNOWN, Finger.UNKNOWN, // F13: outside the typing area
    Finger.RIGHT_INDEX, Finger.RIGHT_INDEX, // KeyJ
    Finger.RIGHT_PINKY, Finger.RIGHT_PINKY, // ShiftRight
  ]);
  assert.equal(ports.client.log, ['welcome:0'], 'no ack before the commit');
});

test('fingers line up with events in a mixed real sample batch', async () => {
  const { conn, ports } = await streaming(0);
  const events = sampleEvents(16);
  conn.receive(frames.batch(1, events));
  const stored = ports.stored[0]!;
  assert.is(stored.fingers.length, 16);
  // CODES in the sample cycle: KeyA, KeyS, ShiftLeft, Space, Backspace, Digit7, Semicolon, IntlBackslash
  const expected = [0, 1, 0, 5, 9, 6, 9, 0];
  assert.equal([...stored.fingers], [...expected, ...expected]);
});

test('stored events do not change when the receive buffer is reused', async () => {
  const { conn, ports } = await streaming(0);
  const events = typed('hello');
  const buffer = new Uint8Array(4096);
  const frame = frames.batch(1, events);
  buffer.set(frame);
  conn.receive(buffer.subarray(0, frame.length));
  buffer.fill(0);
  assert.equal(ports.stored[0]!.events, events);
});

test('seqs continue from the committed seq of the welcome', async () => {
  const { conn, ports } = await streaming(7);
  conn.receive(frames.batch(8));
  conn.receive(frames.batch(9));
  assert.equal(ports.storedSeqs, [8, 9]);
  assert.equal(ports.client.log, ['welcome:7']);
});

test('acks are sent only when committed, cumulative, and never go backwards', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(1));
  conn.receive(frames.batch(2));
  conn.receive(frames.batch(3));
  assert.equal(ports.client.acks, []);
  conn.committed(2);
  conn.committed(1); // a stale callback
  conn.committed(3);
  assert.equal(ports.client.acks, [2, 3]);
});

test('a resend at or below the committed seq is acked at once with the committed seq and not stored', async () => {
  const { conn, ports } = await streaming(5);
  conn.receive(frames.batch(5));
  conn.receive(frames.batch(2));
  assert.equal(ports.client.log, ['welcome:5', 'ack:5', 'ack:5']);
  assert.equal(ports.stored, []);
  conn.receive(frames.batch(6));
  conn.committed(6);
  conn.receive(frames.batch(6));
  assert.equal(ports.client.acks, [5, 5, 6, 6]);
  assert.equal(ports.storedSeqs, [6]);
});

test('a resend of a batch received but not yet committed is ignored: not stored twice, acked once committed', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(1));
  conn.receive(frames.batch(2));
  conn.receive(frames.batch(2));
  conn.receive(frames.batch(1));
  assert.equal(ports.storedSeqs, [1, 2]);
  assert.equal(ports.client.log, ['welcome:0']);
  conn.committed(2);
  assert.equal(ports.client.log, ['welcome:0', 'ack:2']);
  conn.receive(frames.batch(3));
  assert.equal(ports.storedSeqs, [1, 2, 3]);
});

test('a skipped seq gets SEQUENCE_GAP with that seq, close 4107, and is not stored', async () => {
  const { conn, ports } = await streaming(3);
  conn.receive(frames.batch(4));
  conn.receive(frames.batch(6));
  assert.equal(ports.client.log, ['welcome:3', 'error:SEQUENCE_GAP', 'close:4107']);
  assert.is(ports.client.of(MessageType.Error)[0]!.seq, 6);
  assert.equal(ports.storedSeqs, [4]);
});

test('the first batch of a new session must be seq 1', async () => {
  const { conn, ports } = await streaming(0);
  conn.receive(frames.batch(2));
  assert.equal(ports.client.errors, ['SEQUENCE_GAP']);
  assert.equal(ports.stored, []);
});

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

test('more frames than the burst allows: RATE_LIMITED, close 4110, nothing more handled', async () => {
  const { conn, ports } = await streaming(0, {}, { framesPerSecond: 10, frameBurst: 4 });
  // hello took one token; three more frames fit in the burst
  conn.receive(frames.batch(1));
  conn.receive(frames.batch(2));
  conn.receive(frames.batch(3));
  assert.not.ok(ports.client.isClosed);
  conn.receive(frames.batch(4));
  assert.equal(ports.client.log, ['welcome:0', 'error:RATE_LIMITED', 'close:4110']);
  assert.equal(ports.storedSeqs, [1, 2, 3]);
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
