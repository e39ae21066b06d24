import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';
import { createIngestMetrics } from '../obs/ingest-metrics.ts';
import { registerPoolMetrics } from '../obs/db-metrics.ts';
import { createProtectionMetrics } from '../obs/protection-metrics.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { DatabaseHealthMonitor } from '../db/health-monitor.ts';
import { compactSessions } from '../db/keystroke-compaction.ts';
import { AnalyticsRefreshQueue } from '../analytics/index.ts';
import { TicketSigner } from '../auth/tickets.ts';
import { IngestHub } from '../ingest/core/hub.ts';
import type { ConnectionIdentity } from '../ingest/core/ports.ts';
import { KeystrokeWriter } from '../ingest/store/keystroke-writer.ts';
import { pgFlushStore } from '../ingest/store/flush-transaction.ts';
import { encodeBatchRows } from '../ingest/store/keystroke-rows.ts';
import { PgSessionStore } from '../ingest/store/session-store.ts';
import { PgLiveBus } from '../ingest/store/live-bus.ts';
import { loadNativeUws } from '../ingest/transport/native.ts';
import { UpgradeGate } from '../ingest/transport/upgrade-gate.ts';
import { ingestLimits } from '../ingest/transport/limits.ts';
import { attachWsRoute } from '../ingest/transport/ws-route.ts';
import { attachSocketIo } from '../ingest/transport/socketio-route.ts';
import { ConnectionCaps, trustedProxyList } from '../ingest/transport/connection-caps.ts';
import { ProtocolLog } from '../ingest/transport/protocol-log.ts';
import { attachEndpoints, attachNotFound, listen } from '../ingest/transport/http-endpoints.ts';
import { systemClock } from './system-clock.ts';
import { IDLE_SWEEP_EVERY_MS, startCompactionSweeps } from './compaction-sweeps.ts';

export interface IngestServerDeps {
  config: Config;
  log: Logger;
  registry: Registry;
  databaseUrl: string;
  /** Shared pool for session claims and notifications; flushes get connections of their own. */
  pool: Pool;
}

export interface IngestServer {
  readonly port: number;
  readonly serverId: string;
  /** Stops accepting, commits and acknowledges what is buffered, closes sockets with the reconnect code. */
  drain(): Promise<void>;
}

/**
 * Connects the ingest module: the writer and its flush store, the session store, the live
 * bus, the hub (core) and the uWS routes (transport). The only place that knows all of them.
 * Two pairs need each other (hub and writer, hub and bus): each is made first, the hub is
 * made with it, then it is told where to send (writer.listen, bus.start).
 */
export async function startIngestServer(deps: IngestServerDeps): Promise<IngestServer> {
  const { config, log } = deps;
  const uws = loadNativeUws();
  const clock = systemClock;
  const serverId = `${randomBytes(3).toString('hex')}${process.pid.toString(36)}`;
  const limits = ingestLimits(config.ingest);
  const flushPool = createPool(deps.databaseUrl, {
    max: config.ingest.flushers,
    applicationName: 'fingerflow-ingest-writer',
    statementTimeoutMs: config.databaseTimeouts.backgroundMs,
    onError: (error) => log.warn({ event: 'ingest_writer_connection_error', err: error }, 'writer connection failed'),
  });
  const writer = new KeystrokeWriter({
    flushRows: config.ingest.flushRows,
    flushMs: config.ingest.flushMs,
    flushers: config.ingest.flushers,
    store: pgFlushStore(() => flushPool.connect()),
    clock,
    encodeRows: (b) => encodeBatchRows(b.sessionId, b.seq, b.events, b.fingers),
  });
  const refresher = analyticsQueue(deps);
  const sweeps = startCompactionSweeps(refresher, log, { everyMs: IDLE_SWEEP_EVERY_MS });
  registerPoolMetrics(deps.registry, { 'ingest-writer': flushPool, api: deps.pool });
  const metrics = createIngestMetrics(deps.registry, { bufferedBytes: () => writer.bufferedBytes, databaseAvailable: () => writer.databaseAvailable, analyticsPending: () => refresher.queue.size });

  const bus = new PgLiveBus(deps.databaseUrl, deps.pool, serverId);
  const sessions = new PgSessionStore(deps.pool, (sessionId) => refresher.queue.add(sessionId), { eventsPerUserPerDay: config.quotas.eventsPerUserPerDay });
  const hub = new IngestHub({ sessions, writer, bus, clock, log }, { bufferCapBytes: config.ingest.bufferCapBytes, throttleAt: 0.5, endTimeoutMs: 10_000, liveWindowMs: 10_000 });
  writer.listen({
    committed: (sessionId, ownerId, seq) => hub.committed(sessionId, ownerId, seq),
    rejected: (sessionId, ownerId, reason, seq) => {
      log.warn({ event: 'ingest_batches_rejected', sessionId, connectionId: ownerId, reason, committedSeq: seq }, `batches not stored: ${reason}`);
      hub.rejected(sessionId, ownerId, reason, seq);
    },
    databaseState: (available, error) => {
      if (available) log.info({ event: 'ingest_database_recovered' }, 'flushes reach PostgreSQL again');
      else log.error({ event: 'ingest_database_unavailable', err: error }, 'flushes cannot reach PostgreSQL; buffering');
    },
    flushed: ({ rows, batches, ms, redone, path, batchAgesMs }) => {
      metrics.flushed(rows, ms, path, batchAgesMs);
      if (redone) log.warn({ event: 'ingest_flush_redone', rows, batches }, 'a flush met existing rows and was redone through staging');
    },
    flushFailed: (reason) => metrics.flushFailed(reason),
    failed: (sessionId, error, first) => log.error({ event: 'ingest_session_store_failed', sessionId, err: error, firstFailure: first.message }, 'batches of a session could not be stored'),
  });
  await bus.start({
    stats: (stats) => hub.remoteStats(stats),
    takeover: (sessionId, connectionId) => hub.remoteTakeover(sessionId, connectionId),
    watch: (sessionId) => hub.remoteWatch(sessionId),
    error: (error) => log.warn({ event: 'live_bus_error', err: error }, 'live bus connection failed'),
  });

  const protection = createProtectionMetrics(deps.registry, { oldestUnflushedBatchAgeMs: () => writer.oldestPendingAgeMs() });
  const protocolLog = new ProtocolLog(log, protection);
  // A real round trip on a new connection every second (see DatabaseHealthMonitor): the
  // writer's own view only changes when a flush fails, and a stalled flush never fails.
  const database = new DatabaseHealthMonitor(deps.databaseUrl, {
    timeoutMs: 1500,
    onChange: (state, error) => {
      if (state === 'connected') log.info({ event: 'ingest_database_answering' }, 'PostgreSQL answers the health probe');
      else log.error({ event: 'ingest_database_not_answering', err: error }, 'PostgreSQL does not answer the health probe (new connection and query within 1.5 s)');
    },
  });
  await database.start();
  const caps = new ConnectionCaps({ perTicket: config.quotas.connectionsPerTicket, perUser: config.quotas.connectionsPerUser, perIp: config.quotas.connectionsPerIp });
  const capped = { caps, trustedProxies: trustedProxyList(config.security.trustedProxies), capRefused: (cap: string) => protection.connectionCapped(cap) };

  const portsFor = (_identity: ConnectionIdentity) => ({
    report: protocolLog.report.bind(protocolLog),
    claim: hub.claim.bind(hub),
    store: hub.store.bind(hub),
    bufferLevel: hub.bufferLevel.bind(hub),
    end: hub.end.bind(hub),
    watch: hub.watch.bind(hub),
    nowMs: () => clock.now(),
    after: (ms: number, fn: () => void) => clock.after(ms, fn),
    log,
  });
  const gate = new UpgradeGate(new TicketSigner(config.secretKey), config.allowedOrigins, serverId);

  const app = uws.App();
  attachEndpoints(app, {
    registry: deps.registry,
    production: config.production,
    metricsToken: config.metricsToken,
    health: () => ({ serverId, connections: hub.connectionCount, database: database.current, writerAvailable: writer.databaseAvailable, oldestUnflushedBatchAgeMs: writer.oldestPendingAgeMs() }),
  });
  attachWsRoute(app, { hub, gate, limits, metrics, portsFor, ...capped });
  const io = attachSocketIo(app, { hub, gate, limits, metrics, portsFor, ...capped });
  attachNotFound(app);

  // Every 100 ms a slice of sessions is due (each once a second): see IngestHub.tick.
  const ticker = setInterval(() => hub.tick(clock.now()), 100);
  ticker.unref();

  const token = await listen(app, config.host, config.ingestPort);
  const port = uws.us_socket_local_port(token);
  log.info({ event: 'ingest_listening', host: config.host, port, serverId }, `ingest server on ${config.host}:${port}`);

  return {
    port,
    serverId,
    async drain() {
      uws.us_listen_socket_close(token);
      clearInterval(ticker);
      const budget = Math.max(1000, config.shutdownTimeoutMs - 3000);
      const flushed = await hub.drain(budget);
      log.info({ event: 'ingest_drained', flushed, pendingBatches: writer.queuedBatches }, flushed ? 'all buffered batches committed and acknowledged' : 'drain timed out; unacknowledged batches stay with their clients');
      writer.stop();
      sweeps.stop();
      refresher.queue.stop();
      await database.stop();
      await bus.stop();
      void io.close();
      await flushPool.end().catch(() => undefined);
      await refresher.pool.end().catch(() => undefined);
      (app as unknown as { close(): void }).close();
    },
  };
}

/**
 * The background work on settled sessions (ended, or idle for an hour: their analytics, then
 * their compaction) gets one connection of its own with the long timeout: the shared pool's
 * shorter one is for requests, and its connections for the claims.
 */
function analyticsQueue(deps: IngestServerDeps): { queue: AnalyticsRefreshQueue; pool: Pool } {
  const { config, log } = deps;
  const pool = createPool(deps.databaseUrl, {
    max: 1,
    applicationName: 'fingerflow-analytics-queue',
    statementTimeoutMs: config.databaseTimeouts.backgroundMs,
    onError: (error) => log.warn({ event: 'analytics_queue_connection_error', err: error }, 'analytics queue connection failed'),
  });
  const queue = new AnalyticsRefreshQueue(pool, {
    batchSize: 10,
    gatherMs: 250,
    dutyCycle: 0.25,
    maxPending: 100_000,
    upkeep: async (sessionIds) => {
      const rowsMerged = await compactSessions(pool, sessionIds);
      if (rowsMerged > 0) log.debug({ event: 'keystrokes_compacted', sessions: sessionIds.length, rowsMerged }, 'keystroke rows of settled sessions compacted');
    },
    onUpkeepError: (sessionIds, error) => log.warn({ event: 'keystroke_compaction_failed', sessions: sessionIds.length, sessionIds: sessionIds.slice(0, 5), err: error }, 'keystroke rows of settled sessions could not be compacted; they stay as stored'),
    onRefreshed: (stats) => log.debug({ event: 'analytics_refreshed', ...stats }, 'analytics of settled sessions computed'),
    onError: (sessionIds, error) => log.warn({ event: 'analytics_refresh_failed', sessions: sessionIds.length, sessionIds: sessionIds.slice(0, 5), err: error }, 'analytics of settled sessions could not be computed; they will be on first read'),
    onDropped: (sessionId) => log.warn({ event: 'analytics_refresh_dropped', sessionId }, 'too many settled sessions wait for analytics; this one is computed on first read'),
  });
  return { queue, pool };
}
