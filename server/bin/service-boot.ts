import { configFromProcess, ConfigError, redactedSummary, type Config } from '../config/index.ts';
import { createLogger, type Logger } from '../obs/logger.ts';
import { Shutdown } from '../runtime/shutdown.ts';
import { createPool, type Pool } from '../db/pool.ts';
import { migrate } from '../db/migrations.ts';
import { failStart } from './fail.ts';

export interface BootedService {
  config: Config;
  databaseUrl: string;
  log: Logger;
  shutdown: Shutdown;
  pool: Pool;
}

/**
 * What every production container does first (ingest, sidecar): validate the configuration
 * (DATABASE_URL required), log it redacted, own SIGINT/SIGTERM, open the pool and apply
 * migrations under the advisory lock. A failure prints one line and exits non-zero.
 */
export async function bootService(service: string, run: (booted: BootedService) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = configFromProcess();
    if (!config.databaseUrl) throw new ConfigError('DATABASE_URL', `is required to run ${service} on its own`);
  } catch (error) {
    failStart(error, service);
  }
  const databaseUrl = config.databaseUrl;
  const log = createLogger({ level: config.logLevel, service });
  log.info({ event: 'config_loaded', config: redactedSummary(config) }, 'configuration loaded');
  const shutdown = new Shutdown(log, config.shutdownTimeoutMs);
  shutdown.listen((code) => process.exit(code));
  try {
    const pool = createPool(databaseUrl, {
      max: config.databasePoolSize,
      applicationName: service,
      statementTimeoutMs: config.databaseTimeouts.requestMs,
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
    await run({ config, databaseUrl, log, shutdown, pool });
  } catch (error) {
    log.error({ event: 'start_failed', err: error }, 'start failed');
    await shutdown.run();
    failStart(error, service);
  }
}
