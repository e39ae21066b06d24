// The HTTP sidecar alone (a production container behind Traefik; nginx serves the client):
// DATABASE_URL required, migrations applied under the advisory lock, /health, /auth, /api.
import { configFromProcess, ConfigError, redactedSummary, type Config } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { Shutdown } from '../runtime/shutdown.ts';
import { createPool } from '../db/pool.ts';
import { migrate } from '../db/migrations.ts';
import { DatabaseHealthMonitor } from '../db/health-monitor.ts';
import { createHttpApp } from '../http/app.ts';
import { buildSidecarDeps } from '../http/build-sidecar.ts';
import { API_ROUTES } from '../http/api-routes.ts';
import { listenHttp } from '../http/server.ts';
import { failStart } from './fail.ts';

let config: Config;
try {
  config = configFromProcess();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL', 'is required to run the sidecar on its own');
} catch (error) {
  failStart(error, 'fingerflow-sidecar');
}
const databaseUrl = config.databaseUrl!;
const log = createLogger({ level: config.logLevel, service: 'fingerflow-sidecar' });
log.info({ event: 'config_loaded', config: redactedSummary(config) }, 'configuration loaded');
const shutdown = new Shutdown(log, config.shutdownTimeoutMs);
shutdown.listen((code) => process.exit(code));

try {
  const pool = createPool(databaseUrl, {
    max: config.databasePoolSize,
    applicationName: 'fingerflow-sidecar',
    onError: (error) => log.warn({ event: 'database_idle_client_error', err: error }, 'idle database connection failed'),
  });
  shutdown.add('database pool', () => pool.end());
  const client = await pool.connect();
  try {
    const result = await migrate(client);
    log.info({ event: 'database_migrations_complete', version: result.version, applied: result.applied.map((m) => m.name) }, 'Database schema up to date');
  } finally {
    client.release();
  }
  const health = new DatabaseHealthMonitor(databaseUrl, {
    onChange: (state, error) => log[state === 'connected' ? 'info' : 'error']({ event: `database_${state}`, err: error }, `database ${state}`),
  });
  await health.start();
  shutdown.add('database health monitor', () => health.stop());
  const deps = buildSidecarDeps({ config, log, pool, databaseState: () => health.current });
  shutdown.add('rate limiter', async () => deps.limiter.stop());
  const server = await listenHttp(createHttpApp(deps, { connectSources: [new URL(config.ingestPublicUrl).origin] }, API_ROUTES), config.host, config.httpPort);
  shutdown.add('http sidecar', () => server.close());
  log.info({ event: 'sidecar_ready', port: server.port }, 'sidecar ready');
} catch (error) {
  log.error({ event: 'start_failed', err: error }, 'start failed');
  await shutdown.run();
  failStart(error, 'fingerflow-sidecar');
}
