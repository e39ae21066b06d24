import { randomBytes } from 'node:crypto';
import type uWS from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';
import { createIngestMetrics } from '../obs/ingest-metrics.ts';
import { registerPoolMetrics } from '../obs/db-metrics.ts';
import { metricsAccess, type MetricsAccess } from '../obs/metrics-access.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { KeystrokeWriter } from '../db/keystroke-writer.ts';
import { encodeBatchRows } from '../db/keystroke-rows.ts';
import { PgSessionStore } from '../db/session-store.ts';
import { AnalyticsRefreshQueue } from '../analytics/index.ts';
import { PgLiveBus } from '../db/live-bus.ts';
import { TicketSigner } from '../auth/tickets.ts';
import { IngestHub, type BatchWriter } from '../session/hub.ts';
import type { ConnectionIdentity } from '../session/ports.ts';
import { loadNativeUws } from './native.ts';
import { UpgradeGate } from './upgrade-gate.ts';
import { ingestLimits } from './limits.ts';
import { attachWsRoute } from './ws-route.ts';
import { attachSocketIo } from './socketio-route.ts';
import { ConnectionCaps, trustedProxyList } from './connection-caps.ts';
import { ProtocolLog } from './protocol-log.ts';
import { ingestHealth } from './ingest-health.ts';
import { createProtectionMetrics } from '../obs/protection-metrics.ts';
import { DatabaseHealthMonitor } from '../db/health-monitor.ts';

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

/** Wires the ingest server: writer, session store, live bus, hub, and the uWS routes. */
export async function startIngestServer(deps: IngestServerDeps): Promise<IngestServer> {
  const { config, log } = deps;
  const uws = loadNativeUws();
  const serverId = `${randomBytes(3).toString('hex')}${process.pid.toString(36)}`;
  const limits = ingestLimits(config.ingest);
  const flushPool = createPool(deps.databaseUrl, {
    max: config.ingest.flushers,
    applicationName: 'fingerflow-ingest-writer',
    statementTimeoutMs: config.databaseTimeouts.backgroundMs,
    onError: (error) => log.warn({ event: 'ingest_writer_connection_error', err: error }, 'writer connection failed'),
  });

  let hub: IngestHub | undefined;
  const writer = new KeystrokeWriter({
    flushRows: config.ingest.flushRows,
    flushMs: config.ingest.flushMs,
    flushers: config.ingest.flushers,
    connect: () => flushPool.connect(),
    listener: {
      committed: (sessionId, ownerId, seq) => hub?.committed(sessionId, ownerId, seq),
      rejected: (sessionId, ownerId, reason, seq) => {
        log.warn({ event: 'ingest_batches_rejected', sessionId, connectionId: ownerId, reason, committedSeq: seq }, `batches not stored: ${reason}`);
        hub?.rejected(sessionId, ownerId, reason, seq);
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
    },
  });
  registerPoolMetrics(deps.registry, { 'ingest-writer': flushPool, api: deps.pool });
  const metrics = createIngestMetrics(deps.registry, { bufferedBytes: () => writer.bufferedBytes, databaseAvailable: () => writer.databaseAvailable, analyticsPending: () => refresher.size });

  const batchWriter: BatchWriter = {
    enqueue: (b) => writer.enqueue({ sessionId: b.sessionId, ownerId: b.ownerId, seq: b.seq, rows: encodeBatchRows(b.sessionId, b.seq, b.events, b.fingers), rowCount: b.events.length, receivedAt: b.receivedAt }),
    get bufferedBytes() {
      return writer.bufferedBytes;
    },
    idle: (ms) => writer.idle(ms),
    supersede: (sessionId, ownerId) => writer.supersede(sessionId, ownerId),
  };
  const bus = new PgLiveBus(deps.databaseUrl, deps.pool, serverId, {
    stats: (stats) => hub?.remoteStats(stats),
    takeover: (sessionId, connectionId) => hub?.remoteTakeover(sessionId, connectionId),
    watch: (sessionId) => hub?.remoteWatch(sessionId),
    error: (error) => log.warn({ event: 'live_bus_error', err: error }, 'live bus connection failed'),
  });
  // The background analytics get one connection of their own with the long timeout: the
  // shared pool's shorter one is for requests, and its connections for the session claims.
  const backgroundPool = createPool(deps.databaseUrl, {
    max: 1,
    applicationName: 'fingerflow-analytics-queue',
    statementTimeoutMs: config.databaseTimeouts.backgroundMs,
    onError: (error) => log.warn({ event: 'analytics_queue_connection_error', err: error }, 'analytics queue connection failed'),
  });
  const refresher = new AnalyticsRefreshQueue(backgroundPool, {
    batchSize: 10,
    gatherMs: 250,
    dutyCycle: 0.25,
    maxPending: 100_000,
    onRefreshed: (stats) => log.debug({ event: 'analytics_refreshed', ...stats }, 'analytics of ended sessions computed'),
    onError: (sessionIds, error) => log.warn({ event: 'analytics_refresh_failed', sessions: sessionIds.length, sessionIds: sessionIds.slice(0, 5), err: error }, 'analytics of ended sessions could not be computed; they will be on first read'),
    onDropped: (sessionId) => log.warn({ event: 'analytics_refresh_dropped', sessionId }, 'too many ended sessions wait for analytics; this one is computed on first read'),
  });
  const sessions = new PgSessionStore(deps.pool, (sessionId) => refresher.add(sessionId), { eventsPerUserPerDay: config.quotas.eventsPerUserPerDay });
  hub = new IngestHub(sessions, batchWriter, bus, { bufferCapBytes: config.ingest.bufferCapBytes, throttleAt: 0.5, endTimeoutMs: 10_000, liveWindowMs: 10_000 });
  const liveHub = hub;
  await bus.start();

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
    claim: liveHub.claim.bind(liveHub),
    store: liveHub.store.bind(liveHub),
    bufferLevel: liveHub.bufferLevel.bind(liveHub),
    end: liveHub.end.bind(liveHub),
    watch: liveHub.watch.bind(liveHub),
    nowMs: Date.now,
  });
  const gate = new UpgradeGate(new TicketSigner(config.secretKey), config.allowedOrigins, serverId);

  const app = uws.App();
  // In production only the internal network (or METRICS_TOKEN) reads these: see metricsAccess.
  const access = (req: uWS.HttpRequest, what: 'metrics' | 'health') => metricsAccess({ production: config.production, token: config.metricsToken }, { authorization: req.getHeader('authorization') || undefined, forwarded: Boolean(req.getHeader('x-forwarded-for') || req.getHeader('forwarded')) }, what);
  const refuse = (res: uWS.HttpResponse, verdict: MetricsAccess) => {
    if (verdict === 'unauthorized') res.writeStatus('401 Unauthorized').writeHeader('Content-Type', 'application/json').end('{"error":{"code":"METRICS_TOKEN_REQUIRED","message":"this endpoint needs Authorization: Bearer <METRICS_TOKEN>"}}');
    else res.writeStatus('404 Not Found').writeHeader('Content-Type', 'application/json').end('{"error":{"code":"NOT_FOUND","message":"no such path"}}');
  };
  app.get('/metrics', (res, req) => {
    const verdict = access(req, 'metrics');
    if (verdict !== 'allow') return refuse(res, verdict);
    let aborted = false;
    res.onAborted(() => { aborted = true; });
    void deps.registry.metrics().then((body) => {
      if (!aborted) res.cork(() => res.writeHeader('Content-Type', deps.registry.contentType).end(body));
    });
  });
  app.get('/ingest/health', (res, req) => {
    const verdict = access(req, 'health');
    if (verdict !== 'allow') return refuse(res, verdict);
    const health = ingestHealth({ serverId, connections: liveHub.connectionCount, database: database.current, writerAvailable: writer.databaseAvailable, oldestUnflushedBatchAgeMs: writer.oldestPendingAgeMs() });
    res.writeHeader('Content-Type', 'application/json').writeHeader('Cache-Control', 'no-store').end(JSON.stringify(health));
  });
  attachWsRoute(app, { hub: liveHub, gate, limits, metrics, portsFor, ...capped });
  const io = attachSocketIo(app, { hub: liveHub, gate, limits, metrics, portsFor, ...capped });
  // Anything else, a WebSocket upgrade on another path included, is a plain 404: a client
  // that mistyped the path learns it at once instead of waiting for a timeout.
  app.any('/*', (res, req) => {
    const path = req.getUrl();
    res.writeStatus('404 Not Found').writeHeader('Content-Type', 'application/json')
      .end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route for ${path}; keystrokes go to /ws` } }));
  });

  // Every 100 ms a slice of sessions is due (each once a second): see IngestHub.tick.
  const ticker = setInterval(() => liveHub.tick(Date.now()), 100);
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
      const flushed = await liveHub.drain(budget);
      log.info({ event: 'ingest_drained', flushed, pendingBatches: writer.queuedBatches }, flushed ? 'all buffered batches committed and acknowledged' : 'drain timed out; unacknowledged batches stay with their clients');
      writer.stop();
      refresher.stop();
      await database.stop();
      await bus.stop();
      io.close();
      await flushPool.end().catch(() => undefined);
      await backgroundPool.end().catch(() => undefined);
      (app as unknown as { close(): void }).close();
    },
  };
}

function listen(app: uWS.TemplatedApp, host: string, port: number): Promise<uWS.us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (token) => (token ? resolve(token) : reject(new Error(`ingest server could not listen on ${host}:${port}`))));
  });
}
