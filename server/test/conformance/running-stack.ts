// What the conformance tests that need running servers use: one sidecar (tickets over HTTP), and
// ingest servers started on demand with the settings a case needs (a small quota, a small
// frame budget...), all on one test database and one secret, so a ticket from the sidecar
// opens any of them. A TCP proxy in front of PostgreSQL lets a case take the database away
// from one ingest server, the real cause of DATABASE_UNAVAILABLE.
import net from 'node:net';
import { API_ROUTES } from '../../http/api-routes.ts';
import { createPool, type Pool } from '../../db/pool.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { startTestIngest } from '../support/ingest-fixtures.ts';
import { startTestSidecar, type TestSidecar } from '../support/sidecar-fixtures.ts';
import { TypistApi } from './typist-api.ts';

export interface RunningIngest {
  /** `ws://host:port` (the raw client adds `/ws`). */
  url: string;
  drain(): Promise<void>;
}

export class RunningStack {
  private readonly ingests = new Map<string, RunningIngest>();
  private readonly extraPools: Pool[] = [];
  private readonly proxies: DatabaseProxy[] = [];

  private constructor(readonly db: TestDatabase, readonly sidecar: TestSidecar) {}

  static async start(): Promise<RunningStack> {
    const db = await freshDatabase();
    const sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' }, API_ROUTES);
    return new RunningStack(db, sidecar);
  }

  /** A new anonymous typist, signed in over HTTP. */
  typist(): Promise<TypistApi> {
    return TypistApi.anonymous(this.sidecar.base);
  }

  /** An ingest server with these settings on top of the defaults; one per distinct set, reused. */
  async ingest(settings: Record<string, string> = {}): Promise<RunningIngest> {
    const key = JSON.stringify(Object.entries(settings).sort());
    const running = this.ingests.get(key);
    if (running) return running;
    const started = await startTestIngest(this.db.url, this.db.pool, settings);
    const ingest = { url: started.url, drain: () => started.server.drain() };
    this.ingests.set(key, ingest);
    return ingest;
  }

  /** An ingest server of its own (not shared with other cases), e.g. to be shut down. */
  async ownIngest(settings: Record<string, string> = {}): Promise<RunningIngest> {
    const started = await startTestIngest(this.db.url, this.db.pool, settings);
    return { url: started.url, drain: () => started.server.drain() };
  }

  /** An ingest server that reaches PostgreSQL only through a proxy the case can cut. */
  async ingestBehindProxy(): Promise<{ ingest: RunningIngest; proxy: DatabaseProxy }> {
    const target = new URL(this.db.url);
    const proxy = new DatabaseProxy(target.hostname, Number(target.port));
    this.proxies.push(proxy);
    const port = await proxy.open();
    const proxied = new URL(this.db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(port);
    const pool = createPool(proxied.toString(), { max: 4, applicationName: 'fingerflow-conformance' });
    this.extraPools.push(pool);
    const started = await startTestIngest(proxied.toString(), pool);
    const ingest = { url: started.url, drain: () => started.server.drain() };
    this.ingests.set(`proxy-${port}`, ingest);
    return { ingest, proxy };
  }

  async close(): Promise<void> {
    for (const proxy of this.proxies) await proxy.open();
    for (const ingest of this.ingests.values()) await ingest.drain().catch(() => {});
    for (const pool of this.extraPools) await pool.end().catch(() => {});
    for (const proxy of this.proxies) proxy.close();
    await this.sidecar.close();
    await this.db.drop();
  }
}

/** A TCP proxy to PostgreSQL: `cut()` resets every connection and refuses new ones. */
export class DatabaseProxy {
  private server: net.Server | null = null;
  private port = 0;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly host: string, private readonly targetPort: number) {}

  /** Listens (again, on the same port after a cut); resolves with the port. */
  async open(): Promise<number> {
    if (this.server) return this.port;
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** The database is gone: open connections reset, new ones refused. */
  cut(): void {
    this.server?.close();
    this.server = null;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  close(): void {
    this.cut();
  }
}
