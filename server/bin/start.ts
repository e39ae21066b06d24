// `npm start`: the whole product in one process on this machine. Config, data folder lock,
// embedded PostgreSQL (unless DATABASE_URL), migrations, the ingest server and the Koa
// sidecar serving the built client. Ctrl-C or SIGTERM stops everything in reverse order.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromProcess, redactedSummary, type Config } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { createRegistry } from '../obs/metrics.ts';
import { registerPoolMetrics } from '../obs/db-metrics.ts';
import { acquireInstanceLock } from '../runtime/instance-lock.ts';
import { assertPortFree } from '../runtime/port-check.ts';
import { Shutdown } from '../runtime/shutdown.ts';
import { openDatabase } from '../db/open-database.ts';
import { EmbeddedSupervisor } from '../db/embedded/supervisor.ts';
import { createPool } from '../db/pool.ts';
import { migrate } from '../db/migrations.ts';
import { DatabaseHealthMonitor } from '../db/health-monitor.ts';
import { startIngestServer } from './ingest-wiring.ts';
import { createHttpApp } from '../http/app.ts';
import { buildSidecarDeps } from '../http/build-sidecar.ts';
import { API_ROUTES } from '../http/api-routes.ts';
import { listenHttp } from '../http/server.ts';
import { failStart } from './fail.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let config: Config;
try {
  config = configFromProcess({ cwd: repoRoot });
} catch (error) {
  failStart(error);
}
const log = createLogger({ level: config.logLevel, service: 'fingerflow' });
log.info({ event: 'config_loaded', config: redactedSummary(config) }, 'configuration loaded');

const shutdown = new Shutdown(log, config.shutdownTimeoutMs);
shutdown.listen((code) => process.exit(code));

try {
  const lock = acquireInstanceLock(config.dataDir);
  shutdown.add('instance lock', async () => lock.release());
  await assertPortFree(config.host, config.httpPort, 'PORT');
  await assertPortFree(config.host, config.ingestPort, 'INGEST_PORT');

  const database = await openDatabase(config, log, { previousOwnerPid: lock.previousPid });
  const embedded = database.embedded;
  if (embedded) {
    shutdown.add('embedded PostgreSQL', () => embedded.stop());
    shutdown.addEmergency(() => embedded.signalImmediateStop());
    // Added after the stop above, so it runs first: no restart during a deliberate stop.
    const supervisor = new EmbeddedSupervisor(embedded, log);
    shutdown.add('embedded PostgreSQL supervisor', async () => supervisor.stop());
  }

  const pool = createPool(database.url, {
    max: config.databasePoolSize,
    applicationName: 'fingerflow',
    statementTimeoutMs: config.databaseTimeouts.requestMs,
    onError: (error) => log.warn({ event: 'database_idle_client_error', err: error }, 'idle database connection failed'),
  });
  shutdown.add('database pool', () => pool.end());
  const migrationClient = await pool.connect();
  try {
    const result = await migrate(migrationClient);
    log.info({ event: 'database_migrations_complete', version: result.version, applied: result.applied.map((m) => m.name) }, 'Database schema up to date');
  } finally {
    migrationClient.release();
  }

  const health = new DatabaseHealthMonitor(database.url, {
    onChange: (state, error) => log[state === 'connected' ? 'info' : 'error']({ event: `database_${state}`, err: error }, `database ${state}`),
  });
  await health.start();
  shutdown.add('database health monitor', () => health.stop());
  // The supervisor restarts a dead embedded PostgreSQL within a second or two, often between
  // two probes: /health must still show the outage, from the moment it began.
  embedded?.onUnexpectedExit((code, signal) => health.markUnavailable(new Error(`the embedded PostgreSQL exited (code ${code}, signal ${signal})`)));

  const registry = createRegistry('fingerflow');
  registerPoolMetrics(registry, { api: pool });
  const ingest = await startIngestServer({ config, log, registry, databaseUrl: database.url, pool });
  shutdown.add('ingest server', () => ingest.drain());

  // database.url, not config.databaseUrl: without DATABASE_URL the revocation LISTEN
  // connection must go to the embedded PostgreSQL.
  const sidecar = buildSidecarDeps({ config, log, pool, databaseUrl: database.url, databaseState: () => health.current });
  shutdown.add('rate limiter', async () => sidecar.limiter.stop());
  shutdown.add('sign-in revocation listener', () => sidecar.liveness.stop());
  shutdown.add('outgoing mail', () => sidecar.mailer.idle());
  const app = createHttpApp(sidecar, { clientDir: path.join(repoRoot, 'client', 'dist'), connectSources: ingestOrigins(config), registry }, API_ROUTES);
  const server = await listenHttp(app, config.host, config.httpPort);
  shutdown.add('http sidecar', () => server.close());

  log.info({ event: 'fingerflow_ready', url: config.publicUrl, ingestPort: ingest.port }, `FingerFlow is running at ${config.publicUrl}`);
  process.stderr.write(`\n  FingerFlow is running at ${config.publicUrl}  (Ctrl-C to stop)\n\n`);
} catch (error) {
  log.error({ event: 'start_failed', err: error }, 'start failed');
  await shutdown.run();
  failStart(error);
}

// The page connects to the ingest URL that /api/config and the tickets name
// (INGEST_PUBLIC_URL), which may be another host than the page's.
function ingestOrigins(c: Config): string[] {
  return [...new Set([new URL(c.ingestPublicUrl).origin, `ws://localhost:${c.ingestPort}`, `ws://127.0.0.1:${c.ingestPort}`])];
}
