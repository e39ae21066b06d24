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
import { eventually, getJson, isAlive, pollUntil, spawnTs, type Spawned } from './support/processes.ts';

const START = 'server/bin/start.ts';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-start-'));
const ports = { PORT: '', INGEST_PORT: '', EMBEDDED_PG_PORT: '' };
const spawnedAll: Spawned[] = [];

function start(extra: Record<string, string> = {}): Spawned {
  const spawned = spawnTs(START, { DATA_DIR: dataDir, ...ports, LOG_LEVEL: 'info', ...extra });
  spawnedAll.push(spawned);
  return spawned;
}

function postmasterPid(): number {
  return Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function healthStatus(): Promise<number> {
  return (await getJson(`http://127.0.0.1:${ports.PORT}/health`)).status;
}

function running(spawned: Spawned): boolean {
  return spawned.child.exitCode === null && spawned.child.signalCode === null;
}

/**
 * Ready and healthy, answered by `spawned` itself: it logged that it is ready (so it listens
 * on PORT and its signal handlers are in place) and still runs. A /health 200 alone could
 * come from another process left on the port.
 */
async function ready(spawned: Spawned, within = 60_000): Promise<boolean> {
  try {
    await spawned.waitFor('"event":"fingerflow_ready"', within);
  } catch {
    return false;
  }
  const took = await pollUntil(async () => (await healthStatus()) === 200, 10_000, 200);
  return took !== undefined && running(spawned);
}

async function stop(spawned: Spawned, signal: NodeJS.Signals): Promise<number | string | undefined> {
  spawned.child.kill(signal);
  return spawned.exited(10_000);
}

/** Exited, or exited and waiting to be reaped by its (stopped) parent. */
function dead(pid: number): boolean {
  if (!isAlive(pid)) return true;
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Whatever a test left running (it failed half-way) is stopped, so the next starts clean. */
async function cleanUp(): Promise<void> {
  for (const s of spawnedAll) {
    if (!running(s)) continue;
    s.child.kill('SIGCONT');
    if ((await stop(s, 'SIGTERM')) === undefined) {
      s.child.kill('SIGKILL');
      await s.exited(5000);
    }
  }
  let pid: number;
  try {
    pid = postmasterPid();
  } catch {
    return; // no cluster left
  }
  if (pid !== process.pid && isAlive(pid)) {
    process.kill(pid, 'SIGQUIT');
    await pollUntil(async () => !isAlive(pid), 10_000);
  }
}

test.before(async () => {
  ports.PORT = String(await freePort());
  ports.INGEST_PORT = String(await freePort());
  ports.EMBEDDED_PG_PORT = String(await freePort());
});

test.after.each(cleanUp);

test.after(async () => {
  await cleanUp();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves a healthy product, refuses a second start, and stops cleanly on SIGINT', async () => {
  const first = start();
  assert.ok(await ready(first), `not healthy within 60 s:\n${first.output().slice(-2000)}`);
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
  assert.is(await healthStatus(), 200, 'the second start disturbed the first');

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
  assert.ok(await ready(first), first.output());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("INSERT INTO users (email) VALUES ('kept@example.com')");
  await client.end();
  assert.is(await stop(first, 'SIGTERM'), 0);

  const again = start();
  assert.ok(await ready(again), again.output());
  const check = new pg.Client({ connectionString: url });
  await check.connect();
  const { rows } = await check.query("SELECT count(*)::int AS n FROM users WHERE email = 'kept@example.com'");
  await check.end();
  assert.is(rows[0].n, 1);
  assert.is(await stop(again, 'SIGTERM'), 0);
});

test('PostgreSQL dying under npm start: /health shows the outage, the supervisor restarts it, the app recovers', async () => {
  const app = start();
  assert.ok(await ready(app), app.output());
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const pgPid = postmasterPid();
  // The outage is held open, whatever the machine's speed: the app is paused while
  // PostgreSQL dies, and a postmaster.pid naming a live process (this one) makes every
  // restart attempt find the data folder in use until the file goes.
  process.kill(app.child.pid!, 'SIGSTOP');
  try {
    process.kill(pgPid, 'SIGQUIT');
    assert.ok(await eventually(async () => dead(pgPid), 10_000, 50), 'PostgreSQL did not stop on SIGQUIT');
    fs.writeFileSync(pidFile, `${process.pid}\n`);
  } finally {
    process.kill(app.child.pid!, 'SIGCONT');
  }
  try {
    const down = await pollUntil(async () => (await healthStatus()) === 503, 5000, 100);
    assert.ok(down !== undefined, `/health still 200 five seconds after PostgreSQL died:\n${app.output().slice(-2000)}`);
    await app.waitFor('"event":"embedded_postgres_restart_failed"', 30_000);
    assert.is(await healthStatus(), 503, '/health healthy while PostgreSQL is still down');
  } finally {
    fs.rmSync(pidFile, { force: true });
  }
  const back = await pollUntil(async () => (await healthStatus()) === 200, 60_000, 250);
  assert.ok(back !== undefined, `/health never recovered after PostgreSQL died:\n${app.output().slice(-2000)}`);
  const output = app.output();
  assert.match(output, /"event":"embedded_postgres_exited"/);
  assert.match(output, /"event":"embedded_postgres_restarted","attempt":\d+/);
  assert.ok(output.indexOf('"event":"database_disconnected"') < output.indexOf('"event":"embedded_postgres_restarted"'), 'the outage was not reported before the restart');
  const restarted = postmasterPid();
  assert.is.not(restarted, pgPid);
  assert.is(await stop(app, 'SIGTERM'), 0, app.output().slice(-2000));
  assert.not.ok(isAlive(restarted), 'the restarted PostgreSQL was left running');
});

test('an orphaned PostgreSQL from a killed run is taken over', async () => {
  const first = start();
  assert.ok(await ready(first), first.output());
  const orphan = postmasterPid();
  first.child.kill('SIGKILL');
  await first.exited(5000);
  assert.ok(isAlive(orphan), 'expected the orphan to survive a kill -9 of its parent');
  const next = start();
  assert.ok(await ready(next), next.output());
  assert.match(next.output(), /embedded_pg_orphan_stopped/);
  assert.is(await stop(next, 'SIGINT'), 0);
  assert.not.ok(isAlive(orphan));
});

test('with DATABASE_URL it uses that server and starts no embedded one', async () => {
  const db = await freshDatabase();
  const otherData = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-start-ext-'));
  try {
    const spawned = spawnTs(START, { DATA_DIR: otherData, ...ports, LOG_LEVEL: 'info', DATABASE_URL: db.url });
    spawnedAll.push(spawned);
    assert.ok(await ready(spawned), spawned.output());
    assert.not.ok(fs.existsSync(path.join(otherData, 'pg')), 'an embedded cluster was created');
    assert.not.match(spawned.output(), /embedded_pg_started/);
    assert.is(await stop(spawned, 'SIGINT'), 0, spawned.output().slice(-2000));
  } finally {
    await cleanUp();
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
    spawnedAll.push(spawned);
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
