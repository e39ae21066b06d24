import type { ErrorCode } from '../../../shared/protocol/codes.ts';
import { MessageType, TypistState, type ServerMessage, type StatsMessage } from '../../../shared/protocol/messages.ts';
import { liveFigures } from '../../../shared/metrics/live.ts';
import type { FaultLog, LiveBus, SessionStore } from './ports.ts';

export interface SpectatorDeps {
  sessions: SessionStore;
  bus: LiveBus;
  log: FaultLog;
  /** Whether a connection of this process types the session now. */
  typedHere(sessionId: string): boolean;
  send(connectionId: string, message: ServerMessage): void;
  abort(connectionId: string, code: ErrorCode, message: string): void;
  liveWindowMs: number;
}

/**
 * The hub's spectators (PROTOCOL.md §4.1): who watches which session, and what they are told
 * of its typist: live (typed here now; figures follow each second), offline, or ended.
 */
export class Spectators {
  private readonly watchers = new Map<string, Set<string>>();
  /** Sessions ended here lately: their typist's connection closing is not "offline". */
  private readonly recentlyEnded = new Set<string>();

  constructor(private readonly deps: SpectatorDeps) {}

  /** The sessions someone here watches. */
  sessionIds(): IterableIterator<string> {
    return this.watchers.keys();
  }

  watch(sessionId: string, connectionId: string): void {
    let set = this.watchers.get(sessionId);
    if (!set) this.watchers.set(sessionId, (set = new Set()));
    set.add(connectionId);
    this.deps.bus.publishWatch(sessionId);
    void this.greet(sessionId, connectionId);
  }

  remove(sessionId: string, connectionId: string): void {
    const set = this.watchers.get(sessionId);
    if (set?.delete(connectionId) && set.size === 0) this.watchers.delete(sessionId);
  }

  /** The session's typist said hello here. */
  typistLive(sessionId: string): void {
    this.presence(sessionId, TypistState.Live);
  }

  /** The session's typist's connection closed: offline, unless the session just ended. */
  typistLeft(sessionId: string): void {
    if (!this.recentlyEnded.has(sessionId)) this.presence(sessionId, TypistState.Offline);
  }

  /** The session was ended here: its spectators get the final figures, then "ended". */
  ended(sessionId: string): void {
    this.recentlyEnded.add(sessionId);
    // Bounded: the oldest entries go first (a Set iterates in insertion order).
    if (this.recentlyEnded.size > 10_000) this.recentlyEnded.delete(this.recentlyEnded.values().next().value!);
    if (this.watchers.has(sessionId)) void this.tellEnded(sessionId, [...this.watchers.get(sessionId)!]);
  }

  /** Live figures (computed here or by another process) to the spectators here. */
  stats(stats: StatsMessage): void {
    for (const id of this.watchers.get(stats.sessionId) ?? []) this.deps.send(id, stats);
  }

  /**
   * A new spectator learns at once where the session stands: typed here now (live), ended
   * (its final figures, then ended), or neither (offline: not connected here, or not yet).
   */
  private async greet(sessionId: string, connectionId: string): Promise<void> {
    if (this.deps.typedHere(sessionId)) return this.presenceTo(connectionId, TypistState.Live);
    if (this.recentlyEnded.has(sessionId)) return this.tellEnded(sessionId, [connectionId]);
    let ended = false;
    try {
      ended = (await this.deps.sessions.watchState(sessionId, 0)).ended;
    } catch (error) {
      // The database is away: the spectator sees "offline" and is told more when the typist is back.
      if (!this.deps.sessions.isUnavailable(error)) return this.fault('ingest_watch_failed', sessionId, [connectionId], error);
    }
    if (ended) return this.tellEnded(sessionId, [connectionId]);
    if (!this.deps.typedHere(sessionId)) this.presenceTo(connectionId, TypistState.Offline);
  }

  /** The final figures (the last window of stored keystrokes), then "ended". */
  private async tellEnded(sessionId: string, spectators: string[]): Promise<void> {
    const windowUs = this.deps.liveWindowMs * 1000;
    let stats: StatsMessage | undefined;
    try {
      const { events } = await this.deps.sessions.watchState(sessionId, windowUs);
      const lastUs = events.length ? events[events.length - 1]!.offsetUs : 0;
      if (events.length) stats = { t: MessageType.Stats, sessionId, ...liveFigures(events, lastUs, windowUs) };
    } catch (error) {
      // Without the database there are no final figures; "ended" is still true.
      if (!this.deps.sessions.isUnavailable(error)) return this.fault('ingest_final_figures_failed', sessionId, spectators, error);
    }
    for (const id of spectators) {
      if (stats) this.deps.send(id, stats);
      this.deps.send(id, { t: MessageType.Presence, typist: TypistState.Ended });
    }
  }

  private presence(sessionId: string, typist: TypistState): void {
    for (const id of this.watchers.get(sessionId) ?? []) this.presenceTo(id, typist);
  }

  private presenceTo(connectionId: string, typist: TypistState): void {
    this.deps.send(connectionId, { t: MessageType.Presence, typist });
  }

  /** An unexpected error (a bug): logged with its context, and the spectators it concerns closed with INTERNAL_ERROR. */
  private fault(event: string, sessionId: string, connectionIds: string[], error: unknown): void {
    for (const connectionId of connectionIds) {
      this.deps.log.error({ event, sessionId, connectionId, err: error }, `${event}: unexpected error; the connection is closed with INTERNAL_ERROR`);
      this.deps.abort(connectionId, 'INTERNAL_ERROR', 'the server failed; reconnect');
    }
  }
}
