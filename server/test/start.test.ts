// The two README commands, for real: `npm start` on the embedded PostgreSQL, a second start
// refused, Ctrl-C leaving nothing behind, data kept across restarts, bad configuration.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './support/test-postgres.ts';
import { freshDatabase } from './support/database.ts';
import { getJson, isAlive, pollUntil, spawnTs, type Spawned } from './support/processes.ts';

const START = 'server/bin/start.ts';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-start-'));
const ports = { PORT: '', INGEST_PORT: '', EMBEDDED_PG_PORT: '' };
const running: Spawned[] = [];

function start(extra: Record<string, string> = {}): Spawned {
  const spawned = spawnTs(START, { DATA_DIR: dataDir, ...ports, LOG_LEVEL: 'info', ...extra });
  running.push(spawned);
  return spawned;
}

function postmasterPid(): number {
  return Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function healthy(port: string, within: number): Promise<number | undefined> {
  return pollUntil(async () => (await getJson(`http://127.0.0.1:${port}/health`)).status === 200, within, 200);
}

async function stop(spawned: Spawned, signal: NodeJS.Signals): Promise<number | string | undefined> {
  spawned.child.kill(signal);
  return spawned.exited(10_000);
}

test.before(async () => {
  ports.PORT = String(await freePort());
  ports.INGEST_PORT = String(await freePort());
  ports.EMBEDDED_PG_PORT = String(await freePort());
});

test.after(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  try {
    const pid = postmasterPid();
    if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
  } catch {
    // no cluster left
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves a healthy product, refuses a second start, and stops cleanly on SIGINT', async () => {
  const first = start();
  const took = await healthy(ports.PORT, 60_000);
  assert.ok(took !== undefined, `not healthy within 60 s:\n${first.output().slice(-2000)}`);
  assert.match(first.output(), /"event":"database_migrations_complete"/);
  assert.match(first.output(), /FingerFlow is running at http:\/\/localhost:/);
  const page = await fetch(`http://127.0.0.1:${ports.PORT}/`);
  assert.is(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
  const metrics = await fetch(`http://127.0.0.1:${ports.INGEST_PORT}/metrics`);
  assert.is(metrics.status, 200);

  const second = start();
  const code = await second.exited(30_000);
  assert.is(code, 1);
  assert.match(second.output(), /already running from this folder/);
  assert.not.match(second.output(), /\n\s+at /, 'a stack trace was printed');
  assert.is((await getJson(`http://127.0.0.1:${ports.PORT}/health`)).status, 200, 'the second start disturbed the first');

  const pgPid = postmasterPid();
  assert.ok(isAlive(pgPid));
  const t0 = Date.now();
  assert.is(await stop(first, 'SIGINT'), 0);
  assert.ok(Date.now() - t0 < 10_000);
  assert.not.ok(isAlive(pgPid), 'PostgreSQL was left running');
  assert.not.ok(fs.existsSync(path.join(dataDir, 'fingerflow.pid')), 'lock file left behind');
});

test('data survives a restart, and SIGTERM stops it too', async () => {
  const password = fs.readFileSync(path.join(dataDir, 'pg_password'), 'utf8').trim();
  const url = `postgres://fingerflow:${password}@127.0.0.1:${ports.EMBEDDED_PG_PORT}/fingerflow`;
  const first = start();
  assert.ok(await healthy(ports.PORT, 60_000), first.output());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("INSERT INTO users (email) VALUES ('kept@example.com')");
  await client.end();
  assert.is(await stop(first, 'SIGTERM'), 0);

  const again = start();
  assert.ok(await healthy(ports.PORT, 60_000), again.output());
  const check = new pg.Client({ connectionString: url });
  await check.connect();
  const { rows } = await check.query("SELECT count(*)::int AS n FROM users WHERE email = 'kept@example.com'");
  await check.end();
  assert.is(rows[0].n, 1);

  // PostgreSQL dying under a running server: /health says so within 5 s.
  process.kill(postmasterPid(), 'SIGQUIT');
  const down = await pollUntil(async () => (await getJson(`http://127.0.0.1:${ports.PORT}/health`)).status === 503, 5000);
  assert.ok(down !== undefined, '/health still 200 five seconds after PostgreSQL died');
  // npm start supervises its PostgreSQL: it is started again, logged, and the app recovers.
  const back = await pollUntil(async () => (await getJson(`http://127.0.0.1:${ports.PORT}/health`)).status === 200, 60_000, 250);
  assert.ok(back !== undefined, `/health never recovered after PostgreSQL died:\n${again.output().slice(-2000)}`);
  assert.match(again.output(), /"event":"embedded_postgres_exited"/);
  assert.match(again.output(), /"event":"embedded_postgres_restarted","attempt":1/);
  const code = await stop(again, 'SIGTERM');
  assert.ok(code === 0 || code === 1, `exit ${code}`);
});

test('an orphaned PostgreSQL from a killed run is taken over', async () => {
  const first = start();
  assert.ok(await healthy(ports.PORT, 60_000), first.output());
  const orphan = postmasterPid();
  first.child.kill('SIGKILL');
  await first.exited(5000);
  assert.ok(isAlive(orphan), 'expected the orphan to survive a kill -9 of its parent');
  const next = start();
  assert.ok(await healthy(ports.PORT, 60_000), next.output());
  assert.match(next.output(), /embedded_pg_orphan_stopped/);
  assert.is(await stop(next, 'SIGINT'), 0);
  assert.not.ok(isAlive(orphan));
});

test('with DATABASE_URL it uses that server and starts no embedded one', async () => {
  const db = await freshDatabase();
  const otherData = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-start-ext-'));
  try {
    const spawned = spawnTs(START, { DATA_DIR: otherData, ...ports, DATABASE_URL: db.url });
    running.push(spawned);
    assert.ok(await healthy(ports.PORT, 60_000), spawned.output());
    assert.not.ok(fs.existsSync(path.join(otherData, 'pg')), 'an embedded cluster was created');
    assert.not.match(spawned.output(), /embedded_pg_started/);
    assert.is(await stop(spawned, 'SIGINT'), 0);
  } finally {
    await db.drop();
    fs.rmSync(otherData, { recursive: true, force: true });
  }
});

test('bad configuration: one clear line, non-zero exit, no stack trace', async () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /configuration error: PORT: expected a whole number, got "abc"/],
    [{ NODE_ENV: 'production', SECRET_KEY: 'too-short', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x' }, /configuration error: SECRET_KEY: is 9 characters; production needs at least 32/],
  ];
  for (const [env, expected] of cases) {
    const spawned = spawnTs(START, { DATA_DIR: dataDir, ...ports, ...env });
    running.push(spawned);
    const code = await spawned.exited(20_000);
    assert.is(code, 2);
    const stderrLines = spawned.output().split('\n').filter((l) => l.trim() && !l.startsWith('{'));
    assert.is(stderrLines.length, 1, spawned.output());
    assert.match(stderrLines[0]!, expected);
  }
});

test('a port in use is reported by name', async () => {
  const blocker = (await import('node:net')).createServer();
  await new Promise<void>((resolve, reject) => {
    blocker.once('error', reject);
    blocker.listen(Number(ports.PORT), '127.0.0.1', () => resolve());
  });
  try {
    const spawned = start();
    assert.is(await spawned.exited(30_000), 1);
    assert.match(spawned.output(), new RegExp(`port ${ports.PORT} is already in use`));
    assert.not.match(spawned.output(), /\n\s+at /);
  } finally {
    blocker.close();
  }
});

test.run();
