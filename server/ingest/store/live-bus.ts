import pg from 'pg';
import type { StatsMessage } from '../../../shared/protocol/messages.ts';

const STATS_CHANNEL = 'ff_live_stats';
const TAKEOVER_CHANNEL = 'ff_session_takeover';
const WATCH_CHANNEL = 'ff_session_watch';
// NOTIFY payloads are limited to 8000 bytes; stay clear of it.
const MAX_PAYLOAD = 7000;

export interface LiveBusHandlers {
  stats(stats: StatsMessage): void;
  takeover(sessionId: string, connectionId: string): void;
  watch(sessionId: string): void;
  error(error: Error): void;
}

/**
 * Live figures and session takeovers between ingest processes, over PostgreSQL
 * LISTEN/NOTIFY: the database every process already shares, so no broker to run. A tick's
 * figures go out as few NOTIFYs as fit; a process ignores its own.
 */
export class PgLiveBus {
  private listener: pg.Client | undefined;
  private stopped = false;
  private pendingStats: StatsMessage[] = [];
  private flushScheduled = false;
  private retryMs = 250;
  /** Set by start: what the other processes say goes to the hub, which is made after this bus. */
  private handlers!: LiveBusHandlers;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly serverId: string,
  ) {}

  async start(handlers: LiveBusHandlers): Promise<void> {
    this.handlers = handlers;
    await this.connect().catch((error: Error) => {
      this.handlers.error(error);
      this.reconnectLater();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }

  publishStats(stats: StatsMessage): void {
    this.pendingStats.push(stats);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flushStats());
  }

  publishTakeover(sessionId: string, connectionId: string): void {
    this.notify(TAKEOVER_CHANNEL, JSON.stringify({ from: this.serverId, sessionId, connectionId }));
  }

  publishWatch(sessionId: string): void {
    this.notify(WATCH_CHANNEL, JSON.stringify({ from: this.serverId, sessionId }));
  }

  private flushStats(): void {
    this.flushScheduled = false;
    const stats = this.pendingStats;
    this.pendingStats = [];
    let chunk: StatsMessage[] = [];
    let size = 0;
    for (const s of stats) {
      const length = JSON.stringify(s).length + 1;
      if (size + length > MAX_PAYLOAD && chunk.length) {
        this.notify(STATS_CHANNEL, JSON.stringify({ from: this.serverId, stats: chunk }));
        chunk = [];
        size = 0;
      }
      chunk.push(s);
      size += length;
    }
    if (chunk.length) this.notify(STATS_CHANNEL, JSON.stringify({ from: this.serverId, stats: chunk }));
  }

  private notify(channel: string, payload: string): void {
    if (this.stopped) return;
    this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]).catch((error: Error) => this.handlers.error(error));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'fingerflow-live-bus' });
    client.on('error', (error) => {
      this.handlers.error(error);
      void client.end().catch(() => undefined);
      if (this.listener === client) this.listener = undefined;
      this.reconnectLater();
    });
    client.on('notification', (n) => this.receive(n.channel, n.payload ?? ''));
    await client.connect();
    await client.query(`LISTEN ${STATS_CHANNEL}`);
    await client.query(`LISTEN ${TAKEOVER_CHANNEL}`);
    await client.query(`LISTEN ${WATCH_CHANNEL}`);
    this.listener = client;
    this.retryMs = 250;
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(5000, this.retryMs * 2);
    setTimeout(() => {
      if (this.stopped || this.listener) return;
      this.connect().catch((error: Error) => {
        this.handlers.error(error);
        this.reconnectLater();
      });
    }, delay).unref();
  }

  private receive(channel: string, payload: string): void {
    let data: { from?: string; stats?: StatsMessage[]; sessionId?: string; connectionId?: string };
    try {
      data = JSON.parse(payload) as typeof data;
    } catch {
      return; // not one of ours
    }
    if (data.from === this.serverId) return;
    if (channel === STATS_CHANNEL && Array.isArray(data.stats)) for (const s of data.stats) this.handlers.stats(s);
    if (channel === TAKEOVER_CHANNEL && data.sessionId && data.connectionId) this.handlers.takeover(data.sessionId, data.connectionId);
    if (channel === WATCH_CHANNEL && data.sessionId) this.handlers.watch(data.sessionId);
  }
}
