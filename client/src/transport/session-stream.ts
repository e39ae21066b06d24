import { shouldReconnect } from '../../../shared/protocol/codes.ts';
import { decodeMessage, encodeMessage } from '../../../shared/protocol/codec.ts';
import { MessageType, type ServerMessage } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { backoffDelayMs, pause, type Pause } from './backoff.ts';
import type { OutboxBatch, OutboxSession, OutboxStore } from './outbox-types.ts';
import { SOCKET_OPEN, type OpenSocket, type SocketLike } from './socket-like.ts';
import { isPermanentRefusal, type StreamApi } from './stream-api.ts';
import { UnackedBatches } from './unacked-batches.ts';

export type StreamPhase = 'starting' | 'connecting' | 'streaming' | 'waiting' | 'ended' | 'failed' | 'stopped';

export interface StreamStatus {
  localId: string;
  phase: StreamPhase;
  /** Batches cut but not acknowledged. */
  unackedBatches: number;
  unackedEvents: number;
  /** performance.now() of the next attempt while waiting. */
  retryAtMs: number | null;
  /** Close code or refusal that caused the wait or the failure. */
  reason: string | null;
}

export interface StreamDeps {
  store: OutboxStore;
  api: StreamApi;
  openSocket: OpenSocket;
  onStatus(status: StreamStatus): void;
  random?: () => number;
  /** Close and reconnect when sent batches see no ack for this long (a half-open connection). */
  ackTimeoutMs?: number;
  clientName?: string;
}

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
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        this.clearAckTimer();
        this.socket = null;
        socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
        resolve(outcome);
      };
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        this.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: this.session.serverId!, lastAckedSeq: this.unacked.ackedSeq, client: this.deps.clientName ?? 'fingerflow-web/1' });
      };
      socket.onmessage = (event) => {
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
        this.setPhase('streaming');
        this.acked(message.committedSeq);
        // The server holds everything up to committedSeq; the next batch it accepts is the one after.
        this.sentUpTo = message.committedSeq;
        this.sendPending();
        return;
      case MessageType.Ack:
        this.acked(message.seq);
        return;
      case MessageType.Throttle:
        this.throttledUntil = performance.now() + message.retryAfterMs;
        setTimeout(() => this.sendPending(), message.retryAfterMs);
        return;
      case MessageType.Error:
        // The close that follows carries the decision; the code is kept for the indicator.
        this.reason = `${message.code}: ${message.message}`;
        return;
      default:
        return; // stats: live figures are computed in the page
    }
  }

  private sendPending(): void {
    if (this.phase !== 'streaming' || !this.socket || this.socket.readyState !== SOCKET_OPEN) return;
    if (performance.now() < this.throttledUntil) return;
    let next = this.unacked.get(this.sentUpTo + 1);
    while (next) {
      this.send({ t: MessageType.Batch, seq: next.seq, events: next.events });
      this.sentUpTo = next.seq;
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
      this.endSent = true;
      this.send({ t: MessageType.End, seq: this.sentUpTo });
    }
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
      this.socket?.close(CLIENT_CLOSE_RETRY, 'no ack');
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
