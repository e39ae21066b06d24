import { closeCodeFor, type ErrorCode } from '../../../shared/protocol/codes.ts';
import { decodeMessage } from '../../../shared/protocol/codec.ts';
import { validateMessage } from '../../../shared/protocol/message-check.ts';
import type { DecodeLimits } from '../../../shared/protocol/limits.ts';
import { MessageType, type BatchMessage, type ClientMessage, type EndMessage, type HelloMessage, type WatchMessage } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { fingerOf } from '../../../shared/metrics/fingers.ts';
import { MAX_MESSAGES_BEFORE_WELCOME } from '../../../shared/protocol/pacing.ts';
import { EarlyMessages } from './early-messages.ts';
import { FrameBudget, type FrameVerdict } from './frame-budget.ts';
import { StreamGuard } from './stream-guard.ts';
import { BatchFingerprints } from './batch-fingerprints.ts';
import { serverIdOf } from './connection-id.ts';
import type { ConnectionIdentity, ConnectionPorts } from './ports.ts';

export interface ConnectionLimits extends DecodeLimits {
  framesPerSecond: number;
  frameBurst: number;
  throttleRetryMs: number;
  /** How long a new connection may stay without saying hello (or watch) before IDLE_TIMEOUT. */
  helloTimeoutMs: number;
}

type State = 'awaiting_hello' | 'claiming' | 'streaming' | 'ending' | 'watching' | 'closed';

const NORMAL_CLOSE = 1000;

/**
 * The protocol of one WebSocket connection, without the socket: handshake, the sequence and
 * acknowledgement rules, validation, flow control. The delivery rule lives here:
 * - batches are numbered 1, 2, 3 ... per session; the server accepts exactly the next one;
 * - a batch at or below the committed seq is a resend: acknowledged again, never stored;
 * - a batch received but not yet committed is in flight: its ack is on its way;
 * - an ack is sent only after COMMIT, and is cumulative.
 * So a client that keeps every unacknowledged batch and resends them after a reconnect gets
 * each keystroke stored exactly once, or knows which were not.
 */
export class IngestConnection {
  private state: State = 'awaiting_hello';
  private highestReceivedSeq = 0;
  private committedSeq = 0;
  private readonly budget: FrameBudget;
  private lastThrottleAt = Number.NEGATIVE_INFINITY;
  private readonly guard = new StreamGuard();
  private readonly fingerprints = new BatchFingerprints();
  private throttledUntil = Number.NEGATIVE_INFINITY;
  private readonly early = new EarlyMessages(MAX_MESSAGES_BEFORE_WELCOME);
  /** Cancels the hello deadline; set until the first hello or watch, or the close. */
  private cancelHelloDeadline: (() => void) | undefined;

  constructor(
    readonly identity: ConnectionIdentity,
    private readonly ports: ConnectionPorts,
    private readonly limits: ConnectionLimits,
  ) {
    this.budget = new FrameBudget(limits.framesPerSecond, limits.frameBurst, ports.nowMs());
    // Pings keep a socket alive at every level, so only this deadline closes a connection that
    // answers them but never says what it is for (PROTOCOL.md §4).
    this.cancelHelloDeadline = ports.after(limits.helloTimeoutMs, () => {
      this.cancelHelloDeadline = undefined;
      if (this.state === 'awaiting_hello') this.fail('IDLE_TIMEOUT', `no hello within ${limits.helloTimeoutMs / 1000} s of connecting`);
    });
  }

  get sessionId(): string {
    return this.identity.sessionId;
  }

  get isStreaming(): boolean {
    return this.state === 'streaming' || this.state === 'ending';
  }

  get isWatching(): boolean {
    return this.state === 'watching';
  }

  /** One binary frame from the socket. The bytes may be reused after this returns. */
  receive(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    const verdict = this.budget.take(this.ports.nowMs());
    if (verdict === 'close') return this.fail('THROTTLE_IGNORED', 'frames kept coming far beyond the frame budget after throttle; reconnect and pace to welcome.framesPerSecond');
    const decoded = decodeMessage(bytes, this.limits);
    if (!decoded.ok) return this.fail(decoded.code, decoded.message);
    this.dispatch(decoded.message as ClientMessage);
    this.overBudget(verdict);
  }

  /** One message already decoded by a transport that does its own framing (Socket.IO). */
  receiveMessage(value: unknown): void {
    if (this.state === 'closed') return;
    const verdict = this.budget.take(this.ports.nowMs());
    if (verdict === 'close') return this.fail('THROTTLE_IGNORED', 'messages kept coming far beyond the frame budget after throttle; reconnect and pace to welcome.framesPerSecond');
    const checked = validateMessage(value, this.limits);
    if (!checked.ok) return this.fail(checked.code, checked.message);
    this.dispatch(checked.message as ClientMessage);
    this.overBudget(verdict);
  }

  private dispatch(message: ClientMessage): void {
    // A heartbeat is answered at once in any state: it measures the server, not the database.
    if (message.t === MessageType.Ping) return this.ports.send({ t: MessageType.Pong, n: message.n });
    if (this.state === 'claiming' && message.t !== MessageType.Hello) {
      // A pipelined hello: handled in order once the claim is answered (PROTOCOL.md §4).
      if (!this.early.hold(message)) return this.fail('THROTTLE_IGNORED', `more than ${MAX_MESSAGES_BEFORE_WELCOME} messages before welcome`);
      return;
    }
    if (message.t === MessageType.Hello || message.t === MessageType.Watch) this.stopHelloDeadline();
    switch (message.t) {
      case MessageType.Hello: return this.settle('ingest_hello_failed', this.hello(message));
      case MessageType.Batch: return this.batch(message);
      case MessageType.End: return this.settle('ingest_end_failed', this.end(message));
      case MessageType.Watch: return this.watch(message);
      default: return this.fail('UNEXPECTED_MESSAGE', `message type ${(message as { t: number }).t} is sent by the server, not the client`);
    }
  }

  /** The writer committed this session's batches up to seq. */
  committed(seq: number): void {
    if (this.state === 'closed' || seq < this.committedSeq) return;
    this.committedSeq = seq;
    this.ports.send({ t: MessageType.Ack, seq });
  }

  /** The server stopped working on this connection's batches; the client resends after reconnecting. */
  abort(code: ErrorCode, message: string, seq = 0): void {
    this.fail(code, message, seq);
  }

  /** The socket closed (by either side); nothing more is sent. */
  closed(): void {
    this.state = 'closed';
    this.stopHelloDeadline();
  }

  private stopHelloDeadline(): void {
    this.cancelHelloDeadline?.();
    this.cancelHelloDeadline = undefined;
  }

  private async hello(message: HelloMessage): Promise<void> {
    if (this.state !== 'awaiting_hello') return this.fail('UNEXPECTED_MESSAGE', 'hello was already received');
    if (this.identity.audience !== 'ingest') return this.fail('SESSION_FORBIDDEN', 'this ticket is for watching, not for sending keystrokes');
    if (message.v !== PROTOCOL_VERSION) return this.fail('UNSUPPORTED_VERSION', `this server speaks protocol ${PROTOCOL_VERSION}`);
    if (message.sessionId !== this.identity.sessionId) return this.fail('SESSION_FORBIDDEN', 'the ticket is for another session');
    this.state = 'claiming';
    const claim = await this.ports.claim(this.identity.sessionId, this.identity.userId, this.identity.connectionId);
    if (this.state !== 'claiming') return; // closed while we waited
    if (!claim.ok && claim.code === 'SESSION_ENDED') {
      // A client that crashed after sending end learns what was stored and can clear its outbox.
      this.sendWelcome(claim.committedSeq);
      this.ports.send({ t: MessageType.Ended, committedSeq: claim.committedSeq });
      this.state = 'closed';
      return this.ports.close(NORMAL_CLOSE, 'session ended');
    }
    if (!claim.ok) {
      if (claim.code === 'DATABASE_UNAVAILABLE') this.reportUnavailable('claim', claim.cause);
      const text: Record<typeof claim.code, string> = {
        UNKNOWN_SESSION: 'no such session',
        SESSION_FORBIDDEN: 'the session belongs to another user',
        SESSION_ENDED: 'the session has ended',
        DATABASE_UNAVAILABLE: 'the database cannot be reached; try again shortly',
      };
      return this.fail(claim.code, text[claim.code], claim.committedSeq);
    }
    this.committedSeq = claim.committedSeq;
    this.highestReceivedSeq = claim.committedSeq;
    this.guard.begin(claim);
    if (message.lastAckedSeq > claim.committedSeq) {
      this.ports.report?.({ kind: 'acked_data_lost', sessionId: this.sessionId, lastAckedSeq: message.lastAckedSeq, committedSeq: claim.committedSeq });
    }
    this.state = 'streaming';
    this.sendWelcome(claim.committedSeq);
    for (const held of this.early.takeAll()) {
      // A held batch can close the connection (SEQUENCE_GAP...): the rest are not handled.
      if ((this.state as State) === 'closed') break;
      this.dispatch(held);
    }
  }

  private sendWelcome(committedSeq: number): void {
    this.ports.send({
      t: MessageType.Welcome, v: PROTOCOL_VERSION, sessionId: this.identity.sessionId, committedSeq,
      serverId: serverIdOf(this.identity.connectionId), maxEventsPerBatch: this.limits.maxEventsPerBatch, maxFrameBytes: this.limits.maxFrameBytes,
      framesPerSecond: this.limits.framesPerSecond, frameBurst: this.limits.frameBurst,
    });
  }

  private batch(message: BatchMessage): void {
    if (this.state === 'awaiting_hello') return this.fail('HELLO_REQUIRED', 'send hello before batches');
    if (this.state !== 'streaming') return this.fail('UNEXPECTED_MESSAGE', this.state === 'watching' ? 'a spectator cannot send batches' : 'the session is ending');
    if (message.seq <= this.highestReceivedSeq && this.fingerprints.conflicts(message.seq, message.events)) {
      this.ports.report?.({ kind: 'seq_conflict', sessionId: this.sessionId, seq: message.seq });
    }
    if (message.seq <= this.committedSeq) {
      this.ports.send({ t: MessageType.Ack, seq: this.committedSeq });
      return;
    }
    if (message.seq <= this.highestReceivedSeq) return; // in flight: its ack follows the commit
    if (message.seq !== this.highestReceivedSeq + 1) {
      return this.fail('SEQUENCE_GAP', `expected batch ${this.highestReceivedSeq + 1}, got ${message.seq}`, message.seq);
    }
    const level = this.ports.bufferLevel();
    if (level === 'full') {
      // Not accepted, not acknowledged: the client keeps it and resends after reconnecting.
      return this.fail('SERVER_OVERLOADED', 'the server buffer is full; reconnect with backoff and resend', message.seq);
    }
    const refusal = this.guard.refusal(message.events);
    if (refusal) return this.fail(refusal.code, refusal.message, message.seq);
    this.guard.accepted(message.events);
    this.fingerprints.remember(message.seq, message.events);
    const fingers = new Uint8Array(message.events.length);
    for (let i = 0; i < message.events.length; i++) fingers[i] = fingerOf(message.events[i]!.code);
    this.highestReceivedSeq = message.seq;
    this.ports.store({ sessionId: this.identity.sessionId, connectionId: this.identity.connectionId, seq: message.seq, events: message.events, fingers });
    if (level === 'throttle') this.throttle();
  }

  private async end(message: EndMessage): Promise<void> {
    if (this.state !== 'streaming') return this.fail(this.state === 'awaiting_hello' ? 'HELLO_REQUIRED' : 'UNEXPECTED_MESSAGE', 'end is only valid while streaming');
    if (message.seq !== this.highestReceivedSeq) {
      return this.fail('SEQUENCE_GAP', `end names batch ${message.seq} but the last batch received is ${this.highestReceivedSeq}`, message.seq);
    }
    this.state = 'ending';
    const result = await this.ports.end(this.identity.sessionId, this.identity.connectionId, message.seq);
    if (this.state !== 'ending') return;
    if (!result.ok) {
      if (result.code === 'DATABASE_UNAVAILABLE') this.reportUnavailable('end', result.cause);
      return this.fail(result.code, 'the session could not be ended; reconnect and send end again', result.committedSeq);
    }
    this.committed(result.committedSeq);
    this.ports.send({ t: MessageType.Ended, committedSeq: result.committedSeq });
    this.state = 'closed';
    this.ports.close(NORMAL_CLOSE, 'session ended');
  }

  private watch(message: WatchMessage): void {
    if (this.state !== 'awaiting_hello') return this.fail('UNEXPECTED_MESSAGE', 'watch must be the first message');
    if (this.identity.audience !== 'watch' || message.sessionId !== this.identity.sessionId) {
      return this.fail('SESSION_FORBIDDEN', 'this ticket does not allow watching that session');
    }
    this.state = 'watching';
    this.ports.watch(this.identity.sessionId, this.identity.connectionId);
  }

  /**
   * A port that rejects must not become an unhandled rejection, which would end the process.
   * What reaches here is not an unreachable database (the hub answers DATABASE_UNAVAILABLE for
   * that) but a bug: it is logged with its context, and the client is told INTERNAL_ERROR.
   */
  private settle(event: string, work: Promise<void>): void {
    work.catch((error: unknown) => {
      this.ports.log.error({ event, sessionId: this.sessionId, connectionId: this.identity.connectionId, err: error }, `${event}: unexpected error; the connection is closed with INTERNAL_ERROR`);
      this.fail('INTERNAL_ERROR', 'the server failed; reconnect and resend');
    });
  }

  private reportUnavailable(during: 'claim' | 'end', cause = 'not given'): void {
    this.ports.report?.({ kind: 'database_unavailable', sessionId: this.sessionId, during, cause });
  }

  private throttle(): void {
    const now = this.ports.nowMs();
    if (now - this.lastThrottleAt < this.limits.throttleRetryMs) return;
    this.lastThrottleAt = now;
    this.ports.send({ t: MessageType.Throttle, retryAfterMs: this.limits.throttleRetryMs });
  }

  /** A frame beyond the frame budget was handled: tell the client to pause, once per pause. */
  private overBudget(verdict: FrameVerdict): void {
    if (verdict !== 'throttle' || this.state === 'closed') return;
    const now = this.ports.nowMs();
    if (now < this.throttledUntil) return;
    const retryAfterMs = this.budget.retryAfterMs();
    this.throttledUntil = now + retryAfterMs;
    this.ports.send({ t: MessageType.Throttle, retryAfterMs });
  }

  private fail(code: ErrorCode, message: string, seq = 0): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopHelloDeadline();
    this.ports.report?.({ kind: 'violation', sessionId: this.sessionId, code, message });
    this.ports.send({ t: MessageType.Error, code, message, seq });
    this.ports.close(closeCodeFor(code), code);
  }
}
