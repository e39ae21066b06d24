import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db/pool.ts';

/**
 * A database pool's use, read when Prometheus scrapes: connections open and idle, and
 * requests waiting for one. Waiting > 0 for long means the pool (DATABASE_POOL_SIZE) or
 * PostgreSQL is the bottleneck. One gauge per figure, labelled by pool name.
 */
const poolsByRegistry = new WeakMap<Registry, Record<string, Pool>>();

export function registerPoolMetrics(registry: Registry, pools: Record<string, Pool>): void {
  // npm start runs the ingest server and the sidecar on one registry: add to its pools.
  const known = poolsByRegistry.get(registry);
  if (known) {
    Object.assign(known, pools);
    return;
  }
  pools = { ...pools };
  poolsByRegistry.set(registry, pools);
  const figure = (name: string, help: string, read: (pool: Pool) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        for (const [label, pool] of Object.entries(pools)) this.set({ pool: label }, read(pool));
      },
    });
  figure('db_pool_connections', 'Connections the pool holds open (idle or in use)', (p) => p.totalCount);
  figure('db_pool_idle_connections', 'Open connections not in use', (p) => p.idleCount);
  figure('db_pool_waiting_requests', 'Queries waiting for a free connection', (p) => p.waitingCount);
}
