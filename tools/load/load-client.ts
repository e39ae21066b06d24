import { shouldReconnect } from '../../shared/protocol/codes.ts';
import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { MessageType, type ServerMessage } from '../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { connect, type Connection, type Transport } from './transports.ts';
import type { RunStats } from './run-stats.ts';

export interface EventScript {
  take(untilMs: number): KeyEvent[];
}

interface OutboxBatch {
  seq: number;
  events: KeyEvent[];
  firstSentAt: number;
  /** When its oldest event was typed (waiting since then, e.g. through an outage). */
  typedAt: number;
}

export interface ClientOptions {
  transport: Transport;
  ingestUrl: string;
  batchMs: number;
  /** How long this session types (Infinity: until finish() is called). */
  durationMs: number;
  maxEventsPerBatch: number;
  freshTicket: (sessionId: string) => Promise<string>;
}

export type ClientState = 'idle' | 'connecting' | 'streaming' | 'ending' | 'done' | 'failed';

/**
 * One simulated typist: types from its script in real time, sends a batch every batchMs,
 * keeps every batch until it is acknowledged, resends them after reconnecting (the server
 * drops what it already committed), and ends the session when its time is up. What it sent
 * and what was acknowledged, batch by batch, is kept for the report's loss check.
 */
export class LoadClient {
  state: ClientState = 'idle';
  /** Per batch: events and the sum of their offsets, to compare with what was stored. */
  readonly batches = new Map<number, { count: number; offsetSum: number }>();
  ackedSeq = 0;
  private connection: Connection | undefined;
  private outbox: OutboxBatch[] = [];
  private pending: KeyEvent[] = [];
  private nextSeq = 1;
  private startedAt = 0;
  private lastFlush = 0;
  private ticket: string;
  private backoffMs = 250;
  private finishedTyping = false;
  private lostConnection = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private pendingSince = 0;
  /** A reconnect storm closed the connection on purpose: come back whatever the close code. */
  private dropping = false;
  /** When start() was called (ms since epoch): 0 until then. */
  get startedAtMs(): number {
    return this.startedAt;
  }

  constructor(readonly sessionId: string, ticket: string, private readonly script: EventScript, private options: ClientOptions, private readonly stats: RunStats) {
    this.ticket = ticket;
  }

  async start(now: number): Promise<void> {
    this.startedAt = now;
    this.lastFlush = now;
    await this.open();
  }

  /** Called by the scheduler every few milliseconds. */
  tick(now: number): void {
    if (this.state === 'done' || this.state === 'failed' || this.startedAt === 0) return;
    const elapsed = now - this.startedAt;
    if (!this.finishedTyping) {
      const due = this.script.take(Math.min(elapsed, this.options.durationMs));
      if (due.length && this.pending.length === 0) this.pendingSince = now;
      if (due.length) this.pending.push(...due);
      if (elapsed >= this.options.durationMs) this.finishedTyping = true;
    }
    if (this.state !== 'streaming') return;
    // As the page does: a batch when batchMs have passed or maxEventsPerBatch are waiting.
    if (this.pending.length && (now - this.lastFlush >= this.options.batchMs || this.pending.length >= this.options.maxEventsPerBatch || this.finishedTyping)) this.flush(now);
    if (this.finishedTyping && this.pending.length === 0 && this.outbox.length === 0) {
      this.state = 'ending';
      this.connection?.send({ t: MessageType.End, seq: this.nextSeq - 1 });
    }
  }

  /**
   * When tick next has something to do: while streaming, the next batch or the end of the
   * typing (the script is read lazily, so events between two batches need no tick); in any
   * other state, soon. Ticking all 5,000 clients every 20 ms was the load generator's largest
   * cost and delayed its own event loop (so the acks it timed) by ~10 ms a round.
   */
  nextTickAt(now: number, pollMs: number): number {
    if (this.state === 'streaming' && !this.finishedTyping) return Math.min(this.lastFlush + this.options.batchMs, this.startedAt + this.options.durationMs);
    return now + pollMs;
  }

  /** Stops typing now (ramp-down or the end of the run): what was typed is sent, then the session ends. */
  finish(now: number): void {
    if (this.startedAt === 0 || this.finishedTyping) return;
    this.options = { ...this.options, durationMs: Math.max(0, now - this.startedAt) };
  }

  /** Reconnect storm: drop the connection and come straight back, as after a proxy restart. */
  drop(): void {
    if (this.state !== 'streaming' || !this.connection) return;
    this.dropping = true;
    this.connection.close();
  }

  /** Stops at once (run deadline): what is unacknowledged stays counted as such. */
  abandon(): void {
    if (this.state !== 'done') this.state = 'failed';
    clearTimeout(this.retryTimer);
    this.connection?.close();
  }

  /** Still typing at `now` (started, not told to finish, its session time not over). */
  typingAt(now: number): boolean {
    return this.startedAt > 0 && !this.finishedTyping && this.state !== 'done' && this.state !== 'failed' && now - this.startedAt < this.options.durationMs;
  }

  get unackedEvents(): number {
    return this.outbox.reduce((n, b) => n + b.events.length, 0) + this.pending.length;
  }

  private flush(now: number): void {
    this.lastFlush = now;
    while (this.pending.length) {
      const events = this.pending.splice(0, this.options.maxEventsPerBatch);
      const batch = { seq: this.nextSeq++, events, firstSentAt: now, typedAt: this.pendingSince || now };
      this.batches.set(batch.seq, { count: events.length, offsetSum: events.reduce((s, e) => s + e.offsetUs, 0) });
      this.outbox.push(batch);
      this.stats.sent(events.length);
      this.connection?.send({ t: MessageType.Batch, seq: batch.seq, events });
    }
  }

  private async open(): Promise<void> {
    this.state = 'connecting';
    try {
      this.connection = await connect(this.options.transport, this.options.ingestUrl, this.ticket, {
        message: (m) => this.receive(m),
        closed: (code) => this.closed(code),
      });
    } catch (error) {
      this.stats.error(connectErrorCode(error));
      this.retryLater();
      return;
    }
    if ((this.state as ClientState) === 'failed') {
      this.connection.close(); // abandoned while connecting
      return;
    }
    this.stats.connected(+1);
    this.connection.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: this.sessionId, lastAckedSeq: this.ackedSeq, client: `fingerflow-load/${this.options.transport}` });
  }

  private receive(message: ServerMessage): void {
    const now = Date.now();
    switch (message.t) {
      case MessageType.Welcome:
        this.state = 'streaming';
        this.backoffMs = 250;
        if (this.lostConnection) {
          this.lostConnection = false;
          this.stats.resumed(now);
        }
        this.acknowledge(message.committedSeq, now);
        // Resend, in order, everything the server has not committed.
        for (const batch of this.outbox) this.connection?.send({ t: MessageType.Batch, seq: batch.seq, events: batch.events });
        return;
      case MessageType.Ack:
        return this.acknowledge(message.seq, now);
      case MessageType.Ended:
        this.acknowledge(message.committedSeq, now);
        this.state = 'done';
        return;
      case MessageType.Error:
        this.stats.error(message.code);
        return;
      case MessageType.Throttle:
        this.lastFlush = now + message.retryAfterMs; // hold the next batch back
        return;
      default:
        return;
    }
  }

  private acknowledge(seq: number, now: number): void {
    if (seq <= this.ackedSeq) return;
    while (this.outbox.length && this.outbox[0]!.seq <= seq) {
      const batch = this.outbox.shift()!;
      this.stats.acked(batch.events.length, now - batch.firstSentAt, batch.typedAt);
    }
    this.ackedSeq = seq;
  }

  private closed(code: number): void {
    this.connection = undefined;
    this.stats.connected(-1);
    if (this.state === 'done' || this.state === 'failed') return;
    const dropped = this.dropping;
    this.dropping = false;
    if (!dropped && !shouldReconnect(code)) {
      this.stats.error(`CLOSE_${code}`);
      this.state = 'failed';
      return;
    }
    this.stats.reconnect();
    this.lostConnection = true;
    this.retryLater();
  }

  private retryLater(): void {
    if (this.state === 'failed') return;
    this.state = 'connecting';
    const delay = this.backoffMs * (0.5 + Math.random());
    this.backoffMs = Math.min(5000, this.backoffMs * 2);
    this.retryTimer = setTimeout(() => {
      void this.options.freshTicket(this.sessionId).then((ticket) => {
        this.ticket = ticket;
        if (this.state !== 'failed') return this.open();
      }, (error: unknown) => {
        this.stats.error(ticketErrorCode(error));
        this.retryLater();
      });
    }, delay);
  }
}

/** A stable code for a failed connection attempt, for the report's errors by code. */
export function connectErrorCode(error: unknown): string {
  const text = String((error as Error)?.message ?? error);
  const status = /Unexpected server response: (\d+)/.exec(text)?.[1];
  if (status) return status === '401' ? 'TICKET_EXPIRED' : `CONNECT_HTTP_${status}`;
  if (/TICKET_EXPIRED/.test(text)) return 'TICKET_EXPIRED';
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return `CONNECT_${code}`;
  const before = /closed before it opened \((\d+)\)/.exec(text)?.[1];
  return before ? `CONNECT_CLOSED_${before}` : 'CONNECT_FAILED';
}

/** The same for a fresh ticket the sidecar did not give (it is down, or refuses). */
export function ticketErrorCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? `TICKET_FETCH_${code}` : 'TICKET_FETCH_FAILED';
}
