import { shouldReconnect } from '../../../shared/protocol/codes.ts';
import { decodeMessage, encodeMessage } from '../../../shared/protocol/codec.ts';
import { MessageType, type ServerMessage } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { MAX_MESSAGES_BEFORE_WELCOME } from '../../../shared/protocol/pacing.ts';
import { backoffDelayMs, pause, type Pause } from './backoff.ts';
import { Heartbeat } from './heartbeat.ts';
import { SendPacer } from './send-pacer.ts';
import type { OutboxBatch, OutboxSession } from './outbox-types.ts';
import { SOCKET_OPEN, type SocketLike } from './socket-like.ts';
import { isPermanentRefusal } from './stream-api.ts';
import type { StreamDeps, StreamPhase } from './stream-status.ts';
import { UnackedBatches } from './unacked-batches.ts';

export type { StreamDeps, StreamPhase, StreamStatus } from './stream-status.ts';

type Outcome = { kind: 'ended' } | { kind: 'closed'; code: number; reason: string };

const CLIENT_CLOSE_RETRY = 4000; // our own close when acks stall: a transient code, as the server's shutdown

/**
 * The protocol for one session over WebSocket (shared/protocol/PROTOCOL.md):
 * create the server's session if needed, fetch a fresh ticket for every connection, say
 * hello, drop what `welcome.committedSeq` covers, resend the rest in seq order, then send
 * new batches as they are cut. An ack (cumulative, sent after COMMIT) deletes batches from
 * memory and from the outbox. The socket closing decides the next step from its close
 * code alone (shouldReconnect): reconnect with jittered backoff, or stop and keep the
 * outbox. When the session is finished and everything is sent, `end`; `ended` means the
 * server has it all, and the outbox forgets the session.
 */
export class SessionStream {
  private readonly unacked: UnackedBatches;
  private sentUpTo = 0;
  private endSent = false;
  private socket: SocketLike | null = null;
  private phase: StreamPhase = 'starting';
  private reason: string | null = null;
  private retryAtMs: number | null = null;
  private attempt = 0;
  private throttledUntil = 0;
  private stopped = false;
  /** Set when the outbox lacks a batch the server needs next: the stream cannot go on. */
  private gap: string | null = null;
  private waiting: Pause | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  /** Highest seq ever put on a socket by this page: batches above it may still grow (mayGrow). */
  private everSentUpTo = 0;
  /** Messages sent after hello on this connection before welcome came (a pipelined hello). */
  private sentBeforeWelcome = 0;
  private pacer: SendPacer | null = null;
  private pacingTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: Heartbeat | null = null;
  /** Closes the current connection at once, without waiting for the socket's close event. */
  private giveUp: ((reason: string) => void) | null = null;
  /** The batch limits the server last stated; merged batches stay within them. */
  private maxEventsPerBatch = 512;
  private maxFrameBytes = 65_536;
  private readonly finishedAll: Promise<StreamPhase>;

  constructor(
    private readonly session: OutboxSession,
    batches: readonly OutboxBatch[],
    private readonly deps: StreamDeps,
  ) {
    this.unacked = new UnackedBatches(batches);
    this.finishedAll = this.run();
  }

  get localId(): string {
    return this.session.localId;
  }

  get serverId(): string | null {
    return this.session.serverId;
  }

  /** Resolves with 'ended' (all stored), 'failed' (refused for good, outbox kept) or 'stopped'. */
  get done(): Promise<StreamPhase> {
    return this.finishedAll;
  }

  /** A batch just cut by the session's outbox. */
  push(batch: OutboxBatch): void {
    this.unacked.add(batch);
    this.sendPending();
    this.report();
  }

  /** The outbox marked the session finished: end once every batch is sent. */
  finish(): void {
    this.session.finished = true;
    this.sendPending();
  }

  /**
   * Whether the outbox may still append events to batch `seq` instead of cutting a new one
   * (PROTOCOL.md §6.2 step 4): only while offline, and only for a batch that was never put on
   * a socket, whose seq the server has therefore never seen. Returns the most events it may hold.
   */
  mayGrow(seq: number): number {
    if (this.phase === 'streaming' || seq <= this.everSentUpTo || this.unacked.get(seq) === undefined) return 0;
    // 256 bytes is more than any encoded key event takes (two 32-character strings of emoji).
    return Math.min(256, this.maxEventsPerBatch, Math.floor(this.maxFrameBytes / 256));
  }

  /** Try now rather than at the end of the backoff (the browser came back online). */
  retryNow(): void {
    this.waiting?.wake();
  }

  /** The page is going away: close without reconnecting; the outbox keeps the rest. */
  stop(): void {
    this.stopped = true;
    this.socket?.close(1000, 'page closed');
    this.waiting?.wake();
  }

  private async run(): Promise<StreamPhase> {
    while (!this.stopped) {
      this.setPhase('connecting');
      let target: { url: string; ticket: string };
      try {
        target = await this.connectTarget();
      } catch (error) {
        if (isPermanentRefusal(error)) return this.refused(error);
        await this.backoff(error instanceof Error ? error.message : String(error));
        continue;
      }
      if (this.stopped) break;
      const outcome = await this.connect(target.url, target.ticket);
      if (outcome.kind === 'ended') return this.ended();
      if (this.gap !== null) return this.fail(this.gap);
      if (this.stopped) break;
      if (!shouldReconnect(outcome.code)) {
        return this.fail(`the server closed the stream with ${outcome.code} ${outcome.reason}`.trim());
      }
      await this.backoff(`closed ${outcome.code}${outcome.reason ? ` ${outcome.reason}` : ''}`);
    }
    this.setPhase('stopped');
    return 'stopped';
  }

  /** The server session (created on first use) and a fresh ticket: tickets live two minutes. */
  private async connectTarget(): Promise<{ url: string; ticket: string }> {
    if (this.session.serverId === null) {
      const created = await this.deps.api.createSession(this.session.create);
      this.session.serverId = created.serverId;
      await this.deps.store.putSession({ ...this.session });
      return { url: created.ingestUrl, ticket: created.ticket };
    }
    const fresh = await this.deps.api.ticket(this.session.serverId);
    return { url: fresh.ingestUrl, ticket: fresh.ticket };
  }

  private connect(url: string, ticket: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const separator = url.includes('?') ? '&' : '?';
      const socket = this.deps.openSocket(`${url}${separator}ticket=${encodeURIComponent(ticket)}`);
      this.socket = socket;
      this.sentUpTo = 0;
      this.endSent = false;
      this.pacer = null;
      this.sentBeforeWelcome = 0;
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        this.clearAckTimer();
        this.clearPacingTimer();
        this.heartbeat?.stop();
        this.heartbeat = null;
        this.giveUp = null;
        this.socket = null;
        socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
        resolve(outcome);
      };
      // A frozen server may never answer the close handshake either: settle first, then close.
      this.giveUp = (reason) => {
        settle({ kind: 'closed', code: CLIENT_CLOSE_RETRY, reason });
        try {
          socket.close(CLIENT_CLOSE_RETRY, reason);
        } catch (error) {
          console.error('closing a dead socket failed', error);
        }
      };
      if (this.deps.heartbeat !== false) {
        this.heartbeat = new Heartbeat(
          (n) => this.send({ t: MessageType.Ping, n }),
          () => this.giveUp?.('no answer from the server for 5 s'),
          () => socket.readyState === SOCKET_OPEN,
        );
      }
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        this.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: this.session.serverId!, lastAckedSeq: this.unacked.ackedSeq, client: this.deps.clientName ?? 'fingerflow-web/1' });
        this.pipeline();
      };
      socket.onmessage = (event) => {
        this.heartbeat?.heard();
        const message = this.decode(event.data);
        if (!message) {
          socket.close(4000, 'undecodable server frame');
          return;
        }
        if (message.t === MessageType.Ended) {
          this.acked(message.committedSeq);
          settle({ kind: 'ended' });
          socket.close(1000, 'ended');
          return;
        }
        this.onServerMessage(message);
      };
      // An error is always followed by close; the close code carries the decision.
      socket.onerror = () => {};
      socket.onclose = (event) => settle({ kind: 'closed', code: event.code, reason: event.reason });
    });
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.t) {
      case MessageType.Welcome:
        this.attempt = 0;
        this.reason = null;
        this.maxEventsPerBatch = message.maxEventsPerBatch;
        this.maxFrameBytes = message.maxFrameBytes;
        this.pacer = new SendPacer(message.framesPerSecond, message.frameBurst, performance.now(), this.sentBeforeWelcome + 1);
        this.setPhase('streaming');
        this.acked(message.committedSeq);
        // The server holds everything up to committedSeq, plus what was pipelined before welcome.
        this.sentUpTo = Math.max(this.sentUpTo, message.committedSeq);
        this.sendPending();
        return;
      case MessageType.Ack:
        this.acked(message.seq);
        return;
      case MessageType.Throttle:
        this.throttledUntil = performance.now() + message.retryAfterMs;
        this.schedulePending(message.retryAfterMs);
        return;
      case MessageType.Error:
        // The close that follows carries the decision; the code is kept for the indicator.
        this.reason = `${message.code}: ${message.message}`;
        return;
      default:
        return; // stats: live figures are computed in the page
    }
  }

  /**
   * A pipelined hello (PROTOCOL.md §4): the oldest unacknowledged batches go out right after
   * hello, before welcome, saving a round trip on every reconnect. Batches the server already
   * has are acknowledged again, not stored twice.
   */
  private pipeline(): void {
    const first = this.unacked.firstAfter(this.unacked.ackedSeq);
    if (first === null) return;
    let next = this.unacked.get(first);
    while (next && this.sentBeforeWelcome < MAX_MESSAGES_BEFORE_WELCOME) {
      this.sendBatch(next);
      this.sentBeforeWelcome++;
      next = this.unacked.get(next.seq + 1);
    }
  }

  private sendPending(): void {
    if (this.phase !== 'streaming' || !this.socket || this.socket.readyState !== SOCKET_OPEN) return;
    const now = performance.now();
    if (now < this.throttledUntil) return this.schedulePending(this.throttledUntil - now);
    let next = this.unacked.get(this.sentUpTo + 1);
    while (next) {
      // Paced to the frame budget in welcome (§6.2): the rest goes when tokens come back.
      if (this.pacer && !this.pacer.take(now)) return this.schedulePending(this.pacer.waitMs(now));
      this.sendBatch(next);
      next = this.unacked.get(this.sentUpTo + 1);
    }
    if (this.sentUpTo > this.unacked.ackedSeq) this.armAckTimer();
    const beyond = this.unacked.firstAfter(this.sentUpTo);
    if (beyond !== null) {
      // Batch sentUpTo+1 is missing from the outbox (lost in a crash before it reached
      // disk); the server would refuse the next one with SEQUENCE_GAP. Say so, keep the rest.
      this.gap = `batch ${this.sentUpTo + 1} of this session was lost before it was saved; batches from ${beyond} on are kept`;
      this.socket.close(1000, 'outbox gap');
      return;
    }
    if (this.session.finished && !this.endSent) {
      if (this.pacer && !this.pacer.take(now)) return this.schedulePending(this.pacer.waitMs(now));
      this.endSent = true;
      this.send({ t: MessageType.End, seq: this.sentUpTo });
    }
  }

  private sendBatch(batch: OutboxBatch): void {
    this.send({ t: MessageType.Batch, seq: batch.seq, events: batch.events });
    this.sentUpTo = batch.seq;
    this.everSentUpTo = Math.max(this.everSentUpTo, batch.seq);
  }

  private schedulePending(delayMs: number): void {
    if (this.pacingTimer !== null) return;
    this.pacingTimer = setTimeout(() => {
      this.pacingTimer = null;
      this.sendPending();
    }, Math.max(1, delayMs));
  }

  private clearPacingTimer(): void {
    if (this.pacingTimer !== null) clearTimeout(this.pacingTimer);
    this.pacingTimer = null;
  }

  private acked(seq: number): void {
    if (!this.unacked.ack(seq)) return;
    void this.deps.store.deleteBatchesUpTo(this.session.localId, seq).catch((error) => console.error('outbox delete failed', error));
    this.clearAckTimer();
    if (this.sentUpTo > this.unacked.ackedSeq) this.armAckTimer();
    this.report();
  }

  private armAckTimer(): void {
    if (this.ackTimer !== null) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      this.giveUp?.('no ack');
    }, this.deps.ackTimeoutMs ?? 20_000);
  }

  private clearAckTimer(): void {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  private send(message: Parameters<typeof encodeMessage>[0]): void {
    this.socket?.send(encodeMessage(message));
  }

  private decode(data: unknown): ServerMessage | null {
    if (!(data instanceof ArrayBuffer)) return null;
    const decoded = decodeMessage(new Uint8Array(data));
    return decoded.ok ? (decoded.message as ServerMessage) : null;
  }

  private async backoff(reason: string): Promise<void> {
    const delay = backoffDelayMs(this.attempt++, this.deps.random);
    this.reason = reason;
    this.retryAtMs = performance.now() + delay;
    this.setPhase('waiting');
    this.waiting = pause(delay);
    await this.waiting.done;
    this.waiting = null;
    this.retryAtMs = null;
  }

  private async ended(): Promise<StreamPhase> {
    if (this.unacked.size > 0) {
      return this.fail(`the session was ended on the server before ${this.unacked.size} batches arrived`);
    }
    await this.deps.store.deleteSession(this.session.localId);
    this.setPhase('ended');
    return 'ended';
  }

  /** The sidecar will not issue a ticket: a session that has ended, or one that is gone. */
  private async refused(error: unknown): Promise<StreamPhase> {
    const serverId = this.session.serverId;
    if (serverId !== null) {
      const state = await this.deps.api.committedSeq(serverId).catch(() => null);
      if (state?.ended) {
        this.acked(state.committedSeq);
        if (this.unacked.size === 0) return this.ended();
      }
    }
    return this.fail(error instanceof Error ? error.message : String(error));
  }

  private async fail(reason: string): Promise<StreamPhase> {
    this.reason = reason;
    this.session.failure = reason;
    await this.deps.store.putSession({ ...this.session }).catch((error) => console.error('outbox write failed', error));
    this.setPhase('failed');
    return 'failed';
  }

  private setPhase(phase: StreamPhase): void {
    this.phase = phase;
    this.report();
  }

  private report(): void {
    this.deps.onStatus({
      localId: this.session.localId, phase: this.phase, unackedBatches: this.unacked.size, unackedEvents: this.unacked.events,
      retryAtMs: this.retryAtMs, reason: this.reason,
    });
  }
}
