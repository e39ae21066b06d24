import { test as uvu } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage } from '../../../shared/protocol/codec.ts';
import { Finger } from '../../../shared/metrics/fingers.ts';
import { MessageType } from '../../../shared/protocol/messages.ts';
import { sampleEvents } from '../../../shared/protocol/testing/sample-messages.ts';
import {
  connection, deferred, frames, keys, SESSION_A, SESSION_B, settle, streaming, protocolTest, typed,
} from './testing/fakes.ts';
import type { ClaimResult } from './ports.ts';

const test = protocolTest(uvu);

// Handshake ----------------------------------------------------------------------------

test('hello is answered with welcome carrying the committed seq, limits and server id', async () => {
  const { conn, ports } = connection({ connectionId: 'ingest-7:c42', userId: 'u-9' }, { maxEventsPerBatch: 128, maxFrameBytes: 32_768 });
  ports.claimResult = { ok: true, committedSeq: 17 };
  conn.receive(frames.hello(SESSION_A, { lastAckedSeq: 15 }));
  await settle();
  assert.equal(ports.claims, [{ sessionId: SESSION_A, userId: 'u-9', connectionId: 'ingest-7:c42' }]);
  assert.equal(ports.client.received, [
    { t: MessageType.Welcome, v: 1, sessionId: SESSION_A, committedSeq: 17, serverId: 'ingest-7', maxEventsPerBatch: 128, maxFrameBytes: 32_768, framesPerSecond: 50, frameBurst: 100 },
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

test('pipelined hello: batches and end sent before welcome are held, then handled in order', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  conn.receive(frames.batch(3)); // a resend the server already has
  conn.receive(frames.batch(4));
  conn.receive(frames.batch(5));
  conn.receive(frames.end(5));
  await settle();
  assert.equal(ports.client.log, [], 'nothing is answered before the claim');
  assert.equal(ports.stored, []);
  ports.endResult = { ok: true, committedSeq: 5 };
  claim.resolve({ ok: true, committedSeq: 3 });
  await settle();
  assert.equal(ports.storedSeqs, [4, 5]);
  assert.equal(ports.ends.map((e) => e.lastSeq), [5], 'the held end names the last held batch');
  assert.equal(ports.client.log, ['welcome:3', 'ack:3', 'ack:5', 'ended:5', 'close:1000']);
});

test('pipelined hello: a claim that fails drops the held batches unstored (the client keeps them)', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  conn.receive(frames.batch(1));
  claim.resolve({ ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0 });
  await settle();
  assert.equal(ports.client.log, ['error:DATABASE_UNAVAILABLE', 'close:4003']);
  assert.equal(ports.stored, []);
});

test('pipelined hello: more than 32 messages before welcome closes with a reconnect code', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(frames.hello());
  for (let seq = 1; seq <= 32; seq++) conn.receive(frames.batch(seq));
  assert.not.ok(ports.client.isClosed);
  conn.receive(frames.batch(33));
  assert.equal(ports.client.log, ['error:THROTTLE_IGNORED', 'close:4005']);
  claim.resolve({ ok: true, committedSeq: 0 });
  await settle();
  assert.equal(ports.stored, [], 'a closed connection stores nothing');
});

test('ping is answered with pong in every state, even while the claim waits', async () => {
  const { conn, ports } = connection();
  const claim = deferred<ClaimResult>();
  ports.claimResult = claim;
  conn.receive(encodeMessage({ t: MessageType.Ping, n: 1 }));
  conn.receive(frames.hello());
  conn.receive(encodeMessage({ t: MessageType.Ping, n: 2 }));
  assert.equal(ports.client.log, ['pong:1', 'pong:2']);
  claim.resolve({ ok: true, committedSeq: 0 });
  await settle();
  conn.receive(encodeMessage({ t: MessageType.Ping, n: 3 }));
  assert.equal(ports.client.log, ['pong:1', 'pong:2', 'welcome:0', 'pong:3']);
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
  // The sample's offsets jump around (a codec test's need); a session's clock runs forward.
  const events = sampleEvents(16).map((e, i) => ({ ...e, offsetUs: i * 1000 }));
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

uvu.run();
