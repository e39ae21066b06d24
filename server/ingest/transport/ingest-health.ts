import type { DatabaseState } from '../../db/health-monitor.ts';

export interface IngestHealthInput {
  serverId: string;
  connections: number;
  /** The last health probe: a new connection and a query, within 1.5 s, once a second. */
  database: DatabaseState;
  /** The writer's own view: false once a flush failed to reach PostgreSQL. */
  writerAvailable: boolean;
  oldestUnflushedBatchAgeMs: number;
}

/**
 * GET /ingest/health. Always 200 while the process serves: Traefik's load-balancer check uses
 * it, and taking every replica out during a database stall would refuse the connections that
 * let clients know their batches are not stored yet. The body says the truth: `status`
 * "degraded" and `database` "unavailable" when either the probe or the writer cannot reach
 * PostgreSQL, and the age of the oldest batch still waiting for its COMMIT.
 */
export function ingestHealth(input: IngestHealthInput) {
  const available = input.database === 'connected' && input.writerAvailable;
  return {
    status: available ? 'ok' : 'degraded',
    serverId: input.serverId,
    connections: input.connections,
    database: available ? 'available' : 'unavailable',
    databaseAvailable: available,
    oldestUnflushedBatchAgeMs: Math.round(input.oldestUnflushedBatchAgeMs),
  };
}
