import pg from 'pg';

// int8 (counts, sums) as JS numbers: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Pool = pg.Pool;

export interface PoolOptions {
  max?: number;
  applicationName: string;
  onError?: (error: Error) => void;
  /** statement_timeout of every statement on the pool's connections; unset: PostgreSQL's (none). */
  statementTimeoutMs?: number;
  /** Let the process exit while idle connections remain (pools a test does not end). */
  allowExitOnIdle?: boolean;
}

/**
 * A pool whose client errors (PostgreSQL restarted, connection cut), idle or checked out,
 * are reported instead of crashing the process: the pool replaces the client on next use.
 */
export function createPool(connectionString: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // Every statement is bounded (issue 15): PostgreSQL cancels a statement past its pool's
    // timeout (SQLSTATE 57014) and ends a session idle inside a transaction, so no request,
    // however shaped, holds a core or a lock for longer. Sent as startup parameters, they
    // hold for every statement on the connection, whoever runs it.
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs, idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs, 10_000) } : {}),
    allowExitOnIdle: options.allowExitOnIdle ?? false,
  });
  pool.on('error', (error) => options.onError?.(error));
  // pg-pool removes its error listener from a client while it is checked out, and a pg
  // client emits 'error' when its connection dies even between two queries: with no
  // listener that is an unhandled 'error' event, and the process dies. It happened when
  // PostgreSQL was stopped under load (the chaos outage scenario killed the ingest server).
  // The failing query reports the error to its caller, and the pool evicts the broken
  // client when it is released, so this listener only has to exist.
  pool.on('connect', (client) => client.on('error', (error) => options.onError?.(error)));
  return pool;
}
