import type { ErrorCode } from '../../../shared/protocol/codes.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { ServerMessage, StatsMessage } from '../../../shared/protocol/messages.ts';
import { serverIdOf } from './connection-id.ts';
import { EndWaiters } from './end-waiters.ts';
import type { IngestConnection } from './ingest-connection.ts';
import { LiveStats } from './live-stats.ts';
import type { BatchWriter, BufferLevel, ClaimResult, Clock, StoreClaim, EndResult, FaultLog, LiveBus, SessionStore, WriteOutcomes, WriterRejection } from './ports.ts';
import { Spectators } from './spectators.ts';

/** What the hub works with, all of it ports (connected in server/bin). */
export interface HubDeps {
  sessions: SessionStore;
  writer: BatchWriter;
  bus: LiveBus;
  clock: Clock;
  log: FaultLog;
}

export interface HubOptions {
  bufferCapBytes: number;
  /** Fraction of the cap above which clients are asked to pause. */
  throttleAt: number;
  endTimeoutMs: number;
  liveWindowMs: number;
}

interface Entry {
  connection: IngestConnection;
  send: (message: ServerMessage) => void;
  /** Runs fn with the socket's writes gathered into one (uWS cork); a plain call elsewhere. */
  cork: (fn: () => void) => void;
}

const REJECTION_CODES: Record<WriterRejection, [ErrorCode, string]> = {
  taken_over: ['SESSION_TAKEN_OVER', 'another connection said hello for this session'],
  ended: ['SESSION_ENDED', 'the session has ended'],
  unknown_session: ['UNKNOWN_SESSION', 'the session no longer exists'],
  sequence_gap: ['SEQUENCE_GAP', 'batches arrived out of order'],
  internal: ['INTERNAL_ERROR', 'these batches could not be stored; reconnect and resend'],
};

/**
 * The connections of one ingest process and what joins them: who holds which session (the
 * latest hello wins, the older connection is closed), batches on to the writer and
 * acknowledgements back from it, and the drain. Spectators (spectators.ts), live figures
 * (live-stats.ts) and ends waiting for their commit (end-waiters.ts) are its parts. Pure:
 * the database, the writer, the other processes and the clock are ports.
 */
export class IngestHub implements WriteOutcomes {
  private readonly connections = new Map<string, Entry>();
  private readonly owners = new Map<string, string>();
  private readonly committedBySession = new Map<string, number>();
  private draining = false;
  private readonly sessions: SessionStore;
  private readonly writer: BatchWriter;
  private readonly bus: LiveBus;
  private readonly clock: Clock;
  private readonly log: FaultLog;
  private readonly spectators: Spectators;
  private readonly live: LiveStats;
  private readonly endWaiters: EndWaiters;

  constructor(deps: HubDeps, private readonly options: HubOptions) {
    ({ sessions: this.sessions, writer: this.writer, bus: this.bus, clock: this.clock, log: this.log } = deps);
    this.spectators = new Spectators({
      ...deps,
      liveWindowMs: options.liveWindowMs,
      typedHere: (sessionId) => this.owners.has(sessionId),
      send: (id, message) => this.connections.get(id)?.send(message),
      abort: (id, code, message) => this.abort(id, code, message),
    });
    this.live = new LiveStats({
      ...deps,
      spectators: this.spectators,
      liveWindowMs: options.liveWindowMs,
      toTypist: (sessionId, stats) => {
        const owner = this.owners.get(sessionId);
        if (owner) this.connections.get(owner)?.send(stats);
      },
    });
    this.endWaiters = new EndWaiters(deps.clock, options.endTimeoutMs);
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
      this.spectators.typistLeft(sessionId);
    }
    this.spectators.remove(sessionId, connectionId);
  }

  async claim(sessionId: string, userId: string, connectionId: string): Promise<ClaimResult> {
    if (this.draining) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0, cause: 'the server is draining' };
    let result: StoreClaim;
    try {
      result = await this.sessions.claim(sessionId, userId, connectionId);
    } catch (error) {
      // An unreachable database is an answer the client retries. Anything else is a bug: it
      // goes up to the connection, which logs it and closes with INTERNAL_ERROR.
      if (this.sessions.isUnavailable(error)) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0, cause: causeOf(error) };
      throw error;
    }
    if (!result.ok || !this.connections.has(connectionId)) return result;
    const previous = this.owners.get(sessionId);
    this.owners.set(sessionId, connectionId);
    this.writer.supersede(sessionId, connectionId);
    if (previous && previous !== connectionId) this.abort(previous, 'SESSION_TAKEN_OVER', 'another connection said hello for this session');
    if (mayBeHeldElsewhere(result, connectionId)) this.bus.publishTakeover(sessionId, connectionId);
    this.committedBySession.set(sessionId, Math.max(result.committedSeq, this.committedBySession.get(sessionId) ?? 0));
    this.spectators.typistLive(sessionId);
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
    const committedSeq = () => this.committedBySession.get(sessionId) ?? 0;
    const committed = committedSeq() >= lastSeq
      ? { ok: true as const, committedSeq: committedSeq() }
      : await this.endWaiters.wait(sessionId, connectionId, lastSeq, committedSeq);
    if (!committed.ok) return committed;
    try {
      const outcome = await this.sessions.markEnded(sessionId, connectionId);
      if (outcome === 'taken_over') return { ok: false, code: 'SESSION_TAKEN_OVER', committedSeq: committed.committedSeq };
      this.live.forget(sessionId);
      this.spectators.ended(sessionId);
      return committed;
    } catch (error) {
      if (this.sessions.isUnavailable(error)) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: committed.committedSeq, cause: causeOf(error) };
      throw error; // a bug: logged by the connection, which closes with INTERNAL_ERROR
    }
  }

  watch(sessionId: string, connectionId: string): void {
    this.spectators.watch(sessionId, connectionId);
  }

  // Writer outcomes -------------------------------------------------------------------

  committed(sessionId: string, ownerId: string, seq: number): void {
    if (this.owners.has(sessionId) && seq > (this.committedBySession.get(sessionId) ?? 0)) this.committedBySession.set(sessionId, seq);
    const entry = this.connections.get(ownerId);
    if (entry) {
      const nowMs = this.clock.now();
      const stats = this.owners.get(sessionId) === ownerId ? this.live.riding(sessionId, nowMs) : undefined;
      entry.cork(() => {
        entry.connection.committed(seq);
        if (stats) entry.send(stats);
      });
      // Spectators and the bus are other sockets: outside this socket's cork.
      if (stats) this.live.share(stats, nowMs);
    }
    this.endWaiters.committed(sessionId, seq);
  }

  rejected(sessionId: string, ownerId: string, reason: WriterRejection, seq: number): void {
    const [code, message] = REJECTION_CODES[reason];
    this.abort(ownerId, code, message, seq);
    this.endWaiters.rejected(sessionId, ownerId, seq);
  }

  // Other processes and the ticker ------------------------------------------------------

  /**
   * Another process says it took a session over. A connection here that holds the session is
   * closed only if the database agrees: the notice travels on its own connection and can
   * arrive after a newer claim made here (a client that moved away and straight back), which
   * it must not close. When the database cannot be asked, the connection stays: a flush of a
   * session taken over is refused anyway, and that closes it.
   */
  remoteTakeover(sessionId: string, connectionId: string): void {
    const owner = this.owners.get(sessionId);
    if (!owner || owner === connectionId) {
      this.writer.supersede(sessionId, connectionId);
      return;
    }
    this.sessions.holder(sessionId).then(
      (holder) => {
        if (holder === owner || this.owners.get(sessionId) !== owner) return;
        this.writer.supersede(sessionId, holder ?? connectionId);
        this.owners.delete(sessionId);
        this.abort(owner, 'SESSION_TAKEN_OVER', 'the session continued on another connection');
      },
      (error: unknown) => {
        if (this.sessions.isUnavailable(error)) return;
        this.log.error({ event: 'ingest_takeover_check_failed', sessionId, connectionId: owner, err: error }, 'a takeover notice could not be checked; the connection stays');
      },
    );
  }

  /** Live figures computed by another process, for spectators connected here. */
  remoteStats(stats: StatsMessage): void {
    this.spectators.stats(stats);
  }

  /** A spectator on another process watches this session: its figures go on the bus. */
  remoteWatch(sessionId: string, nowMs = this.clock.now()): void {
    this.live.remoteWatch(sessionId, nowMs);
  }

  /** Called several times a second: see LiveStats.tick. */
  tick(nowMs: number): void {
    this.live.tick(nowMs);
  }

  /**
   * SIGTERM: refuse new sessions, commit and acknowledge everything buffered, then close every
   * connection with the reconnect code so clients move to another process.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    const flushed = await this.writer.idle(timeoutMs);
    for (const id of [...this.connections.keys()]) this.abort(id, 'SERVER_SHUTDOWN', 'the server is shutting down; reconnect');
    this.endWaiters.shutDown();
    return flushed;
  }

  private abort(connectionId: string, code: ErrorCode, message: string, seq = 0): void {
    this.connections.get(connectionId)?.connection.abort(code, message, seq);
  }
}

/**
 * Whether a connection of another process may hold the session just claimed: not when the
 * store says nobody held it, or that a connection of this process did (connection-id.ts). A
 * new session's claim then costs no notice on the bus.
 */
function mayBeHeldElsewhere(claim: StoreClaim, connectionId: string): boolean {
  if (!claim.ok || !('previousHolder' in claim) || claim.previousHolder === undefined) return true;
  if (claim.previousHolder === null) return false;
  return serverIdOf(claim.previousHolder) !== serverIdOf(connectionId);
}

function causeOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
