import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { EmbeddedPostgres } from '../../db/embedded/embedded-postgres.ts';
import { INGEST_POSTGRES_SETTINGS } from '../../db/open-database.ts';

export interface TestPostgres {
  server: EmbeddedPostgres;
  dir: string;
  port: number;
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of its own in a temporary folder, for the test run or for a test that
 * must stop and start the database under a running server. fsync is off: these clusters are
 * thrown away, and PostgreSQL still honours commit order and crash recovery without it.
 * `durable` keeps fsync and full-page writes on, with the settings `npm start` and production
 * use (INGEST_POSTGRES_SETTINGS), for benchmarks that must pay for real commits.
 */
export async function startTestPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-pg-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const settings: Record<string, string> = options.durable ? { ...INGEST_POSTGRES_SETTINGS, max_connections: '200' } : { fsync: 'off', full_page_writes: 'off', max_connections: '200' };
  const server = new EmbeddedPostgres({ dataDir: dir, port, settings });
  await server.start();
  return {
    server,
    dir,
    port,
    async destroy() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
