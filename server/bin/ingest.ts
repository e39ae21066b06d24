// The ingest server alone (a production replica, or a second process in tests): DATABASE_URL
// required, migrations applied under the advisory lock, /ws and /socket.io/ on INGEST_PORT.
// SIGTERM drains: buffered batches are committed and acknowledged, sockets closed with 4000.
import { configFromProcess, ConfigError, redactedSummary, type Config } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { createRegistry } from '../obs/metrics.ts';
import { Shutdown } from '../runtime/shutdown.ts';
import { createPool } from '../db/pool.ts';
import { migrate } from '../db/migrations.ts';
import { startIngestServer } from '../ingest/server.ts';
import { failStart } from './fail.ts';

let config: Config;
try {
  config = configFromProcess();
  if (!config.databaseUrl) throw new ConfigError('DATABASE_URL', 'is required to run the ingest server on its own');
} catch (error) {
  failStart(error, 'fingerflow-ingest');
}
const databaseUrl = config.databaseUrl!;
const log = createLogger({ level: config.logLevel, service: 'fingerflow-ingest' });
log.info({ event: 'config_loaded', config: redactedSummary(config) }, 'configuration loaded');
const shutdown = new Shutdown(log, config.shutdownTimeoutMs);
shutdown.listen((code) => process.exit(code));

try {
  const pool = createPool(databaseUrl, {
    max: config.databasePoolSize,
    applicationName: 'fingerflow-ingest',
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
  const ingest = await startIngestServer({ config, log, registry: createRegistry('fingerflow-ingest'), databaseUrl, pool });
  shutdown.add('ingest server', () => ingest.drain());
  log.info({ event: 'ingest_ready', port: ingest.port, serverId: ingest.serverId }, 'ingest server ready');
} catch (error) {
  log.error({ event: 'start_failed', err: error }, 'start failed');
  await shutdown.run();
  failStart(error, 'fingerflow-ingest');
}
