import type { ErrorCode } from '../../../shared/protocol/codes.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { MessageType, TypistState, type ServerMessage, type StatsMessage } from '../../../shared/protocol/messages.ts';
import { liveFigures } from '../../../shared/metrics/live.ts';
import type { IngestConnection } from './ingest-connection.ts';
import { LiveWindows } from './live-windows.ts';
import type { BatchWriter, BufferLevel, ClaimResult, Clock, EndResult, FaultLog, LiveBus, SessionStore, WriteOutcomes, WriterRejection } from './ports.ts';

/** What the hub works with, all of it ports (connected in server/bin). */
export interface HubDeps {
  sessions: SessionStore;
  writer: BatchWriter;
  bus: LiveBus;
  clock: Clock;
  log: FaultLog;
}

/** A remote spectator's interest lasts this long unless renewed (renewed every 20 s). */
const REMOTE_WATCH_TTL_MS = 60_000;
const WATCH_RENEW_MS = 20_000;

interface Entry {
  connection: IngestConnection;
  send: (message: ServerMessage) => void;
  /** Runs fn with the socket's writes gathered into one (uWS cork); a plain call elsewhere. */
  cork: (fn: () => void) => void;
}

interface EndWaiter {
  connectionId: string;
  seq: number;
  resolve: (result: EndResult) => void;
}

const REJECTION_CODES: Record<WriterRejection, [ErrorCode, string]> = {
  taken_over: ['SESSION_TAKEN_OVER', 'another connection said hello for this session'],
  ended: ['SESSION_ENDED', 'the session has ended'],
  unknown_session: ['UNKNOWN_SESSION', 'the session no longer exists'],
  sequence_gap: ['SEQUENCE_GAP', 'batches arrived out of order'],
  internal: ['INTERNAL_ERROR', 'these batches could not be stored; reconnect and resend'],
};

/**
 * Live figures go to each typist and spectator about once a second. They ride with an ack
 * when the last ones are at least STATS_INTERVAL_MS old: one write instead of two, which at
 * 5,000 typists halves the server's socket writes (each ~17 us of a core on loopback). The
 * ticker sends only those no ack carried for TICK_STATS_AFTER_MS: a typist who paused, whose
 * speed must still be seen to fall.
 */
const STATS_INTERVAL_MS = 950;
const TICK_STATS_AFTER_MS = 1200;
const NEVER = Number.NEGATIVE_INFINITY;

export interface HubOptions {
  bufferCapBytes: number;
  /** Fraction of the cap above which clients are asked to pause. */
  throttleAt: number;
  endTimeoutMs: number;
  liveWindowMs: number;
}

/**
 * The connections of one ingest process and what joins them: who holds which session (the
 * latest hello wins, the older connection is closed), acknowledgements routed from the
 * writer, spectators, and the once-a-second live figures. Pure: the database, the writer
 * and the other processes are ports.
 */
export class IngestHub implements WriteOutcomes {
  private readonly connections = new Map<string, Entry>();
  private readonly owners = new Map<string, string>();
  private readonly spectators = new Map<string, Set<string>>();
  private readonly committedBySession = new Map<string, number>();
  private readonly endWaiters = new Map<string, EndWaiter[]>();
  private readonly live: LiveWindows;
  private readonly lastStatsAt = new Map<string, number>();
  /** Sessions that spectators on other processes watch, until when. */
  private readonly remoteWatchers = new Map<string, number>();
  private lastWatchRenewal = 0;
  private draining = false;
  /** Sessions ended here lately: their typist's connection closing is not "offline". */
  private readonly recentlyEnded = new Set<string>();

  private readonly sessions: SessionStore;
  private readonly writer: BatchWriter;
  private readonly bus: LiveBus;
  private readonly clock: Clock;
  private readonly log: FaultLog;

  constructor(deps: HubDeps, private readonly options: HubOptions) {
    ({ sessions: this.sessions, writer: this.writer, bus: this.bus, clock: this.clock, log: this.log } = deps);
    this.live = new LiveWindows(options.liveWindowMs * 1000, () => this.clock.now());
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  add(connection: IngestConnection, send: (message: ServerMessage) => void, cork: (fn: () => void) => void = (fn) => fn()): void {
    this.connections.set(connection.identity.connectionId, { connection, send, cork });
  }

  remove(connectionId: string): void {
    const entry = this.connections.get(connectionId);
    if (!entry) return;
    this.connections.delete(connectionId);
    const sessionId = entry.connection.sessionId;
    if (this.owners.get(sessionId) === connectionId) {
      this.owners.delete(sessionId);
      if (!this.endWaiters.has(sessionId)) this.committedBySession.delete(sessionId);
      if (!this.recentlyEnded.has(sessionId)) this.presence(sessionId, TypistState.Offline);
    }
    const watchers = this.spectators.get(sessionId);
    if (watchers?.delete(connectionId) && watchers.size === 0) this.spectators.delete(sessionId);
  }

  async claim(sessionId: string, userId: string, connectionId: string): Promise<ClaimResult> {
    if (this.draining) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0 };
    let result: ClaimResult;
    try {
      result = await this.sessions.claim(sessionId, userId, connectionId);
    } catch (error) {
      // An unreachable database is an answer the client retries. Anything else is a bug: it
      // goes up to the connection, which logs it and closes with INTERNAL_ERROR.
      if (this.sessions.isUnavailable(error)) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0 };
      throw error;
    }
    if (!result.ok || !this.connections.has(connectionId)) return result;
    const previous = this.owners.get(sessionId);
    this.owners.set(sessionId, connectionId);
    this.writer.supersede(sessionId, connectionId);
    if (previous && previous !== connectionId) this.abort(previous, 'SESSION_TAKEN_OVER', 'another connection said hello for this session');
    this.bus.publishTakeover(sessionId, connectionId);
    this.committedBySession.set(sessionId, Math.max(result.committedSeq, this.committedBySession.get(sessionId) ?? 0));
    this.presence(sessionId, TypistState.Live);
    return result;
  }

  store(batch: { sessionId: string; connectionId: string; seq: number; events: KeyEvent[]; fingers: Uint8Array }): void {
    if (this.draining) {
      // Once the drain began nothing new is taken, or a busy client could hold the drain
      // open until its deadline; the client resends this batch to the next process.
      this.abort(batch.connectionId, 'SERVER_SHUTDOWN', 'the server is shutting down; reconnect');
      return;
    }
    this.writer.enqueue({ sessionId: batch.sessionId, ownerId: batch.connectionId, seq: batch.seq, events: batch.events, fingers: batch.fingers, receivedAt: this.clock.now() });
    this.live.add(batch.sessionId, batch.seq, batch.events);
  }

  bufferLevel(): BufferLevel {
    const used = this.writer.bufferedBytes / this.options.bufferCapBytes;
    if (used >= 1) return 'full';
    return used >= this.options.throttleAt ? 'throttle' : 'ok';
  }

  async end(sessionId: string, connectionId: string, lastSeq: number): Promise<EndResult> {
    const committed = await this.waitCommitted(sessionId, connectionId, lastSeq);
    if (!committed.ok) return committed;
    try {
      const outcome = await this.sessions.markEnded(sessionId, connectionId);
      if (outcome === 'taken_over') return { ok: false, code: 'SESSION_TAKEN_OVER', committedSeq: committed.committedSeq };
      this.live.forget(sessionId);
      this.noteEnded(sessionId);
      if (this.spectators.has(sessionId)) void this.tellEnded(sessionId, [...this.spectators.get(sessionId)!]);
      return committed;
    } catch (error) {
      if (this.sessions.isUnavailable(error)) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: committed.committedSeq };
      throw error; // a bug: logged by the connection, which closes with INTERNAL_ERROR
    }
  }

  watch(sessionId: string, connectionId: string): void {
    let set = this.spectators.get(sessionId);
    if (!set) this.spectators.set(sessionId, (set = new Set()));
    set.add(connectionId);
    this.bus.publishWatch(sessionId);
    void this.greetSpectator(sessionId, connectionId);
  }

  // Spectators' view of the typist (PROTOCOL.md §4.1) ---------------------------------

  /**
   * A new spectator learns at once where the session stands: typed here now (live; figures
   * follow each second), ended (its final figures, then ended), or neither (offline: not
   * connected here, or not yet).
   */
  private async greetSpectator(sessionId: string, connectionId: string): Promise<void> {
    if (this.owners.has(sessionId)) return this.presenceTo(connectionId, TypistState.Live);
    if (this.recentlyEnded.has(sessionId)) return this.tellEnded(sessionId, [connectionId]);
    let ended = false;
    try {
      ended = (await this.sessions.watchState(sessionId, 0)).ended;
    } catch (error) {
      // The database is away: the spectator sees "offline" and is told more when the typist is back.
      if (!this.sessions.isUnavailable(error)) return this.fault('ingest_watch_failed', sessionId, [connectionId], error);
    }
    if (ended) return this.tellEnded(sessionId, [connectionId]);
    if (!this.owners.has(sessionId)) this.presenceTo(connectionId, TypistState.Offline);
  }

  /** The final figures (the last window of stored keystrokes), then "ended". */
  private async tellEnded(sessionId: string, spectators: string[]): Promise<void> {
    const windowUs = this.options.liveWindowMs * 1000;
    let stats: StatsMessage | undefined;
    try {
      const { events } = await this.sessions.watchState(sessionId, windowUs);
      const lastUs = events.length ? events[events.length - 1]!.offsetUs : 0;
      if (events.length) stats = { t: MessageType.Stats, sessionId, ...liveFigures(events, lastUs, windowUs) };
    } catch (error) {
      // Without the database there are no final figures; "ended" is still true.
      if (!this.sessions.isUnavailable(error)) return this.fault('ingest_final_figures_failed', sessionId, spectators, error);
    }
    for (const id of spectators) {
      const entry = this.connections.get(id);
      if (!entry) continue;
      if (stats) entry.send(stats);
      entry.send({ t: MessageType.Presence, typist: TypistState.Ended });
    }
  }

  private presence(sessionId: string, typist: TypistState): void {
    for (const id of this.spectators.get(sessionId) ?? []) this.presenceTo(id, typist);
  }

  private presenceTo(connectionId: string, typist: TypistState): void {
    this.connections.get(connectionId)?.send({ t: MessageType.Presence, typist });
  }

  private noteEnded(sessionId: string): void {
    this.recentlyEnded.add(sessionId);
    // Bounded: the oldest entries go first (a Set iterates in insertion order).
    if (this.recentlyEnded.size > 10_000) this.recentlyEnded.delete(this.recentlyEnded.values().next().value!);
  }

  /** A spectator on another process watches this session: its figures go on the bus. */
  remoteWatch(sessionId: string, nowMs = this.clock.now()): void {
    this.remoteWatchers.set(sessionId, nowMs + REMOTE_WATCH_TTL_MS);
  }

  // Writer callbacks ------------------------------------------------------------------

  committed(sessionId: string, ownerId: string, seq: number): void {
    if (this.owners.has(sessionId) && seq > (this.committedBySession.get(sessionId) ?? 0)) this.committedBySession.set(sessionId, seq);
    const entry = this.connections.get(ownerId);
    if (entry) {
      const nowMs = this.clock.now();
      const holder = this.owners.get(sessionId) === ownerId;
      const stats = holder && nowMs - (this.lastStatsAt.get(sessionId) ?? NEVER) >= STATS_INTERVAL_MS ? this.statsOf(sessionId, nowMs) : undefined;
      entry.cork(() => {
        entry.connection.committed(seq);
        if (stats) entry.send(stats);
      });
      // Spectators and the bus are other sockets: outside this socket's cork.
      if (stats) this.shareStats(stats, nowMs);
    }
    const waiters = this.endWaiters.get(sessionId);
    if (!waiters) return;
    const left = waiters.filter((w) => {
      if (w.seq > seq) return true;
      w.resolve({ ok: true, committedSeq: seq });
      return false;
    });
    if (left.length) this.endWaiters.set(sessionId, left);
    else this.endWaiters.delete(sessionId);
  }

  rejected(sessionId: string, ownerId: string, reason: WriterRejection, seq: number): void {
    const [code, message] = REJECTION_CODES[reason];
    this.abort(ownerId, code, message, seq);
    // Only the rejected connection's own end waits: after a takeover the old owner's leftover
    // batches are rejected, and that must not fail the new owner's end.
    const waiters = this.endWaiters.get(sessionId) ?? [];
    const left = waiters.filter((w) => w.connectionId !== ownerId);
    if (left.length) this.endWaiters.set(sessionId, left);
    else this.endWaiters.delete(sessionId);
    for (const w of waiters) if (w.connectionId === ownerId) w.resolve({ ok: false, code: 'SESSION_TAKEN_OVER', committedSeq: seq });
  }

  // Other processes -----------------------------------------------------------------------

  /** Another process took a session over: a connection here that held it is closed. */
  remoteTakeover(sessionId: string, connectionId: string): void {
    this.writer.supersede(sessionId, connectionId);
    const owner = this.owners.get(sessionId);
    if (owner && owner !== connectionId) {
      this.owners.delete(sessionId);
      this.abort(owner, 'SESSION_TAKEN_OVER', 'the session continued on another connection');
    }
  }

  /** Live figures computed by another process, for spectators connected here. */
  remoteStats(stats: StatsMessage): void {
    for (const id of this.spectators.get(stats.sessionId) ?? []) this.connections.get(id)?.send(stats);
  }

  /**
   * Called several times a second: sends the figures no ack carried lately, a slice at a
   * time, so thousands of sessions never block the event loop in one burst (computing them
   * all at once held acks back by up to 0.8 s with 2,000 typists).
   */
  tick(nowMs: number): void {
    const due = (sessionId: string) => nowMs - (this.lastStatsAt.get(sessionId) ?? NEVER) >= TICK_STATS_AFTER_MS;
    if (this.lastStatsAt.size > 2 * this.live.size + 100) this.pruneStatsClock();
    for (const [sessionId, figures] of this.live.figures(nowMs, due)) {
      const stats: StatsMessage = { t: MessageType.Stats, sessionId, ...figures };
      this.lastStatsAt.set(sessionId, nowMs);
      const owner = this.owners.get(sessionId);
      if (owner) this.connections.get(owner)?.send(stats);
      this.shareStats(stats, nowMs);
    }
    if (nowMs - this.lastWatchRenewal >= WATCH_RENEW_MS) {
      this.lastWatchRenewal = nowMs;
      for (const sessionId of this.spectators.keys()) this.bus.publishWatch(sessionId);
    }
  }

  /** The session's figures now, noted as sent; undefined when it has none (idle, ended). */
  private statsOf(sessionId: string, nowMs: number): StatsMessage | undefined {
    const figures = this.live.figuresOf(sessionId, nowMs);
    if (!figures) return undefined;
    this.lastStatsAt.set(sessionId, nowMs);
    return { t: MessageType.Stats, sessionId, ...figures };
  }

  /** Figures to the spectators here and, when someone elsewhere watches, to the bus. */
  private shareStats(stats: StatsMessage, nowMs: number): void {
    this.remoteStats(stats);
    // Only sessions someone elsewhere watches cross to the other processes: publishing all
    // of them saturated the database pool with NOTIFYs at 5,000 typists.
    const until = this.remoteWatchers.get(stats.sessionId);
    if (until !== undefined && until > nowMs) this.bus.publishStats(stats);
    else if (until !== undefined) this.remoteWatchers.delete(stats.sessionId);
  }

  /**
   * SIGTERM: refuse new sessions, commit and acknowledge everything buffered, then close every
   * connection with the reconnect code so clients move to another process.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    const flushed = await this.writer.idle(timeoutMs);
    for (const id of [...this.connections.keys()]) this.abort(id, 'SERVER_SHUTDOWN', 'the server is shutting down; reconnect');
    for (const waiters of this.endWaiters.values()) for (const w of waiters) w.resolve({ ok: false, code: 'SERVER_SHUTDOWN', committedSeq: 0 });
    this.endWaiters.clear();
    return flushed;
  }

  private pruneStatsClock(): void {
    for (const id of this.lastStatsAt.keys()) if (!this.live.has(id)) this.lastStatsAt.delete(id);
  }

  private waitCommitted(sessionId: string, connectionId: string, seq: number): Promise<EndResult> {
    const committed = this.committedBySession.get(sessionId) ?? 0;
    if (committed >= seq) return Promise.resolve({ ok: true, committedSeq: committed });
    return new Promise((resolve) => {
      const waiter: EndWaiter = { connectionId, seq, resolve: (r) => { cancel(); resolve(r); } };
      const cancel = this.clock.after(this.options.endTimeoutMs, () => {
        // Forget the waiter, or the list (and the session's committed seq) is kept forever.
        const left = (this.endWaiters.get(sessionId) ?? []).filter((w) => w !== waiter);
        if (left.length) this.endWaiters.set(sessionId, left);
        else this.endWaiters.delete(sessionId);
        resolve({ ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: this.committedBySession.get(sessionId) ?? 0 });
      });
      const list = this.endWaiters.get(sessionId) ?? [];
      list.push(waiter);
      this.endWaiters.set(sessionId, list);
    });
  }

  /** An unexpected error (a bug): logged with its context, and the connections it concerns closed with INTERNAL_ERROR. */
  private fault(event: string, sessionId: string, connectionIds: string[], error: unknown): void {
    for (const connectionId of connectionIds) {
      this.log.error({ event, sessionId, connectionId, err: error }, `${event}: unexpected error; the connection is closed with INTERNAL_ERROR`);
      this.abort(connectionId, 'INTERNAL_ERROR', 'the server failed; reconnect');
    }
  }

  private abort(connectionId: string, code: ErrorCode, message: string, seq = 0): void {
    this.connections.get(connectionId)?.connection.abort(code, message, seq);
  }
}
