import fs from 'node:fs';
import pg from 'pg';
import { migrate } from '../../server/db/migrations.ts';
import { createPool, type Pool } from '../../server/db/pool.ts';
import { startTestPostgres, freePort, type TestPostgres } from '../../server/test/support/test-postgres.ts';
import { spawnTs, type Spawned } from '../../server/test/support/processes.ts';
import { signer, TEST_SECRET } from '../../server/test/support/ingest-fixtures.ts';
import { runClients, type LoadReport } from '../load/run-load.ts';
import type { LoadClient } from '../load/load-client.ts';
import type { RunStats } from '../load/run-stats.ts';
import type { Transport } from '../load/transports.ts';

/** A running ingest process the harness can kill, stop and start again on the same port. */
export interface IngestProcess {
  port: number;
  process: Spawned;
  url: string;
}

/**
 * Everything a fault scenario needs on this machine: a PostgreSQL cluster of its own (durable
 * settings, so a crash is a real crash), sessions and tickets made directly, and ingest
 * processes started as a deployment would start them.
 */
export class ChaosEnv {
  private constructor(readonly cluster: TestPostgres, readonly url: string, readonly db: Pool, readonly userId: string) {}

  static async create(): Promise<ChaosEnv> {
    const cluster = await startTestPostgres({ durable: true });
    const admin = new pg.Client({ connectionString: cluster.server.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE ff_chaos');
    await admin.end();
    const url = cluster.server.url('ff_chaos');
    // PostgreSQL is stopped on purpose in some scenarios: connection errors are expected.
    const db = createPool(url, { max: 4, applicationName: 'fingerflow-chaos', onError: () => undefined });
    const client = await db.connect();
    await migrate(client);
    client.release();
    const user = (await db.query<{ id: string }>("INSERT INTO users (email) VALUES ('chaos@example.com') RETURNING id")).rows[0]!.id;
    return new ChaosEnv(cluster, url, db, user);
  }

  async sessions(n: number): Promise<Array<{ sessionId: string; ticket: string }>> {
    const { rows } = await this.db.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode) SELECT $1, 'timed' FROM generate_series(1, $2) RETURNING id", [this.userId, n]);
    return rows.map((r) => ({ sessionId: r.id, ticket: this.ticket(r.id) }));
  }

  ticket(sessionId: string, audience: 'ingest' | 'watch' = 'ingest', userId = this.userId, ttlSeconds = 600): string {
    return signer.sign({ userId, sessionId, audience, ttlSeconds });
  }

  async startIngest(port?: number, extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<IngestProcess> {
    const listenPort = port ?? (await freePort());
    const process = spawnTs('server/bin/ingest.ts', {
      DATABASE_URL: this.url, INGEST_PORT: String(listenPort), SECRET_KEY: TEST_SECRET, NODE_ENV: 'test', LOG_LEVEL: 'info',
      ALLOWED_ORIGINS: 'http://localhost:8080', INGEST_FLUSH_MS: '10', SHUTDOWN_TIMEOUT_MS: '8000',
      // Every chaos session belongs to one user: lift the per-user cap and quota (issue 15).
      INGEST_MAX_CONNECTIONS_PER_USER: '1000000', QUOTA_EVENTS_PER_USER_PER_DAY: '1000000000',
      ...(nodeArgs.length ? { NODE_OPTIONS: nodeArgs.join(' ') } : {}), ...extraEnv,
    });
    await process.waitFor('"event":"ingest_ready"', 30_000);
    return { port: listenPort, process, url: `ws://127.0.0.1:${listenPort}` };
  }

  /** Typists on fresh sessions against `ingestUrl` (a proxy or a process). */
  async type(options: { clients: number; seconds: number; ingestUrl: string; transport?: Transport; batchMs?: number; graceSec?: number; serverPid?: number; onSecond?: (stats: RunStats, elapsed: number) => void }): Promise<{ report: LoadReport; clients: LoadClient[] }> {
    const sessions = await this.sessions(options.clients);
    return runClients({
      sessions, ingestUrl: `${options.ingestUrl}/ws`, freshTicket: async (id) => this.ticket(id),
      clients: options.clients, rampUpSec: 0, durationSec: options.seconds, transport: options.transport ?? 'ws', seed: 11,
      batchMs: options.batchMs ?? 200, databaseUrl: this.url, serverPid: options.serverPid, graceSec: options.graceSec ?? 40, onSecond: options.onSecond,
    });
  }

  async destroy(): Promise<void> {
    await this.db.end().catch(() => undefined);
    await this.cluster.destroy();
  }
}

export function rssMB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
