// Issue 15 (and 21): health tells the truth. The sidecar and an ingest server run as the
// production containers do (their own processes, DATABASE_URL), on a PostgreSQL of their
// own that the test stops: SIGSTOP of the postmaster (the database stops answering), then a
// smart shutdown that refuses new connections while an old one keeps it alive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { startTestPostgres, freePort, type TestPostgres } from './support/test-postgres.ts';
import { spawnTs, pollUntil, type Spawned } from './support/processes.ts';
import { TEST_SECRET } from './support/ingest-fixtures.ts';

let cluster: TestPostgres;
let sidecar: Spawned;
let ingest: Spawned;
let httpPort: number;
let ingestPort: number;

test.before(async () => {
  cluster = await startTestPostgres();
  const admin = new pg.Client({ connectionString: cluster.server.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE ff_health');
  await admin.end();
  const url = cluster.server.url('ff_health');
  httpPort = await freePort();
  ingestPort = await freePort();
  const env = { DATABASE_URL: url, SECRET_KEY: TEST_SECRET, NODE_ENV: 'test', LOG_LEVEL: 'info', ALLOWED_ORIGINS: 'http://localhost:8080', PORT: String(httpPort), INGEST_PORT: String(ingestPort) };
  sidecar = spawnTs('server/bin/sidecar.ts', env);
  await sidecar.waitFor('"event":"sidecar_ready"', 60_000);
  ingest = spawnTs('server/bin/ingest.ts', env);
  await ingest.waitFor('"event":"ingest_ready"', 60_000);
});

test.after(async () => {
  for (const p of [sidecar, ingest]) {
    p?.child.kill('SIGTERM');
    if ((await p?.exited(10_000)) === undefined) p?.child.kill('SIGKILL');
  }
  const pid = cluster?.server.pid;
  if (pid) try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ }
  await cluster?.destroy();
});

const health = async () => {
  const r = await fetch(`http://127.0.0.1:${httpPort}/health`);
  return { status: r.status, body: (await r.json()) as { status: string; database: string } };
};
const ingestHealth = async () => (await (await fetch(`http://127.0.0.1:${ingestPort}/ingest/health`)).json()) as { database: string; status: string };

async function becomes(what: string, check: () => Promise<boolean>): Promise<void> {
  const took = await pollUntil(check, 20_000, 200);
  assert.ok(took !== undefined, `${what} did not happen within 20 s`);
}

test('healthy while PostgreSQL answers', async () => {
  assert.equal((await health()).status, 200);
  assert.is((await ingestHealth()).database, 'available');
});

test('a stopped postmaster (SIGSTOP): /health 503 "disconnected" and the ingest health "unavailable"; back after SIGCONT', async () => {
  const pid = cluster.server.pid!;
  process.kill(pid, 'SIGSTOP');
  try {
    await becomes('/health 503', async () => (await health()).status === 503);
    assert.equal((await health()).body, { status: 'unhealthy', database: 'disconnected', logging: 'configured' });
    await becomes('ingest health unavailable', async () => (await ingestHealth()).database === 'unavailable');
    assert.is((await ingestHealth()).status, 'degraded');
    assert.match(sidecar.output(), /"event":"database_disconnected"/);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await becomes('/health 200 again', async () => (await health()).status === 200);
  await becomes('ingest health available again', async () => (await ingestHealth()).database === 'available');
});

test('a smart shutdown that refuses new connections (an old one still open): /health 503', async () => {
  const old = new pg.Client({ connectionString: cluster.server.url('ff_health') });
  await old.connect();
  old.on('error', () => undefined);
  process.kill(cluster.server.pid!, 'SIGTERM'); // smart: waits for `old`, refuses everyone new
  try {
    await becomes('/health 503', async () => (await health()).status === 503);
    await becomes('ingest health unavailable', async () => (await ingestHealth()).database === 'unavailable');
    const stillThere = await old.query('SELECT 1 AS one');
    assert.is(stillThere.rows[0].one, 1, 'the old connection should still answer: that is the trap');
  } finally {
    await old.end().catch(() => undefined);
  }
});

test.run();
