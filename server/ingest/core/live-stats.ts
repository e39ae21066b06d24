import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { MessageType, type StatsMessage } from '../../../shared/protocol/messages.ts';
import { LiveWindows } from './live-windows.ts';
import type { Clock, LiveBus } from './ports.ts';
import type { Spectators } from './spectators.ts';

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

/** A remote spectator's interest lasts this long unless renewed (renewed every 20 s). */
const REMOTE_WATCH_TTL_MS = 60_000;
const WATCH_RENEW_MS = 20_000;

export interface LiveStatsDeps {
  bus: LiveBus;
  clock: Clock;
  spectators: Spectators;
  /** Sends to the connection typing the session here, if any. */
  toTypist(sessionId: string, stats: StatsMessage): void;
  liveWindowMs: number;
}

/** The hub's live figures: each session's window, when its figures were last sent, and who elsewhere wants them. */
export class LiveStats {
  private readonly live: LiveWindows;
  private readonly lastStatsAt = new Map<string, number>();
  /** Sessions that spectators on other processes watch, until when. */
  private readonly remoteWatchers = new Map<string, number>();
  private lastWatchRenewal = 0;

  constructor(private readonly deps: LiveStatsDeps) {
    this.live = new LiveWindows(deps.liveWindowMs * 1000, () => deps.clock.now());
  }

  add(sessionId: string, seq: number, events: readonly KeyEvent[]): void {
    this.live.add(sessionId, seq, events);
  }

  forget(sessionId: string): void {
    this.live.forget(sessionId);
  }

  /** The figures to ride with an ack now, noted as sent; undefined when the last ones are recent (or there are none). */
  riding(sessionId: string, nowMs: number): StatsMessage | undefined {
    if (nowMs - (this.lastStatsAt.get(sessionId) ?? NEVER) < STATS_INTERVAL_MS) return undefined;
    const figures = this.live.figuresOf(sessionId, nowMs);
    if (!figures) return undefined;
    this.lastStatsAt.set(sessionId, nowMs);
    return { t: MessageType.Stats, sessionId, ...figures };
  }

  /** A spectator on another process watches this session: its figures go on the bus. */
  remoteWatch(sessionId: string, nowMs: number): void {
    this.remoteWatchers.set(sessionId, nowMs + REMOTE_WATCH_TTL_MS);
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
      this.deps.toTypist(sessionId, stats);
      this.share(stats, nowMs);
    }
    if (nowMs - this.lastWatchRenewal >= WATCH_RENEW_MS) {
      this.lastWatchRenewal = nowMs;
      for (const sessionId of this.deps.spectators.sessionIds()) this.deps.bus.publishWatch(sessionId);
    }
  }

  /** Figures to the spectators here and, when someone elsewhere watches, to the bus. */
  share(stats: StatsMessage, nowMs: number): void {
    this.deps.spectators.stats(stats);
    // Only sessions someone elsewhere watches cross to the other processes: publishing all
    // of them saturated the database pool with NOTIFYs at 5,000 typists.
    const until = this.remoteWatchers.get(stats.sessionId);
    if (until !== undefined && until > nowMs) this.deps.bus.publishStats(stats);
    else if (until !== undefined) this.remoteWatchers.delete(stats.sessionId);
  }

  private pruneStatsClock(): void {
    for (const id of this.lastStatsAt.keys()) if (!this.live.has(id)) this.lastStatsAt.delete(id);
  }
}
