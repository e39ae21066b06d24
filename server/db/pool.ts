import pg from 'pg';

// int8 (counts, sums) as JS numbers: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Pool = pg.Pool;

/**
 * A pool whose idle-client errors (PostgreSQL restarted, connection cut) are reported
 * instead of crashing the process: the pool replaces the client on next use.
 */
export function createPool(connectionString: string, options: { max?: number; applicationName: string; onError?: (error: Error) => void }): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}
