// The load tool end to end (sidecar load-test routes, ingest, PostgreSQL), both transports,
// verified through the load-test route as against a remote deployment; proof that the
// verification counts losses and duplicates; the command line's exit codes, outputs,
// cleanup and hygiene; and the load-test door's rules (off, production, wrong tokens).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from '../../server/test/support/database.ts';
import net from 'node:net';
import { startTestIngest, TEST_SECRET } from '../../server/test/support/ingest-fixtures.ts';
import { startTestSidecar, type TestSidecar } from '../../server/test/support/sidecar-fixtures.ts';
import { loadtestRoutes } from '../../server/http/loadtest-routes.ts';
import { runLoadDetailed, type LoadOptions } from './run-load.ts';
import { parseReplayLog } from './replay/replay-log.ts';
import { LoadtestApi } from './sidecar-api.ts';
import { verifyThroughApi } from './verify-remote.ts';
import { verifyStored } from './verify-stored.ts';
import type { IngestServer } from '../../server/bin/ingest-wiring.ts';
import { REPO_ROOT, spawnTs } from '../../server/test/support/processes.ts';

const TOKEN = 'load-test-token-'.padEnd(40, 'z');
let db: TestDatabase;
let sidecar: TestSidecar;
let ingest: { server: IngestServer; url: string };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-load-test-'));

const options = (over: Partial<LoadOptions>): LoadOptions => ({
  sidecarUrl: sidecar.base, ingestUrl: `${ingest.url}/ws`, token: TOKEN, clients: 20, rampUpSec: 1, durationSec: 3,
  transport: 'ws', seed: 7, batchMs: 150, batchEvents: 64, serverPid: process.pid, graceSec: 15, run: 'load-test-suite', ...over,
});

test.before(async () => {
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, { LOADTEST_TOKEN: TOKEN, INGEST_PUBLIC_URL: 'ws://127.0.0.1:9/ws' }, [loadtestRoutes]);
  ingest = await startTestIngest(db.url, db.pool);
});

test.after(async () => {
  await ingest.server.drain();
  await sidecar.close();
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const transport of ['ws', 'socketio'] as const) {
  test(`a short run over ${transport}, verified through the load-test route: every event acked and stored exactly once`, async () => {
    const { report } = await runLoadDetailed(options({ transport, clients: transport === 'ws' ? 20 : 10 }));
    assert.is(report.verification.method, 'api');
    assert.is(report.completedSessions, report.clients, JSON.stringify(report));
    assert.ok(report.sent > report.clients * 10, `only ${report.sent} events sent`);
    assert.is(report.acked, report.sent);
    assert.is(report.stored, report.sent);
    assert.is(report.lost, 0);
    assert.is(report.duplicates, 0);
    assert.is(report.unacked, 0);
    assert.ok(report.ackLatencyMs.p50 > 0 && report.ackLatencyMs.p99 >= report.ackLatencyMs.p50);
    assert.ok((report.serverRssMB ?? 0) > 0);
    assert.ok(report.generator.cpuPercent > 0, 'the generator\'s CPU is measured');
    assert.ok(report.timeline.length >= 4, `a timeline of ${report.timeline.length} seconds`);
    assert.is(report.timeline.reduce((n, p) => n + p.eventsPerSec, 0), report.acked, 'the timeline accounts for every ack');
    assert.ok(report.timeline.every((p) => p.ackMaxMs >= p.ackP99Ms));
    const ended = await db.pool.query("SELECT count(*)::int AS n FROM typing_sessions WHERE ended_at IS NOT NULL AND config->>'source' = 'loadtest'");
    assert.ok(ended.rows[0].n >= report.clients);
  });
}

test('the load-test route and the database both count a lost batch and a duplicated batch', async () => {
  const { report, clients } = await runLoadDetailed(options({ clients: 3, durationSec: 2, batchMs: 250 }));
  assert.is(report.lost, 0);
  const victim = clients[0]!;
  const lostBatch = victim.batches.get(1)!;
  await db.pool.query('DELETE FROM keystroke_batches WHERE session_id = $1 AND batch_seq = 1', [victim.sessionId]);
  const donor = clients[1]!;
  const copied = donor.batches.get(2)!;
  await db.pool.query(
    `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits, batch_idx)
     SELECT session_id, 9999, offset_us, key_code, key_value, text_pos, event_bits, batch_idx FROM keystroke_batches WHERE session_id = $1 AND batch_seq = 2`,
    [donor.sessionId],
  );
  for (const check of [await verifyStored(db.url, clients), await verifyThroughApi(new LoadtestApi(sidecar.base, TOKEN), clients)]) {
    assert.is(check.lost, lostBatch.count);
    assert.is(check.duplicates, copied.count);
    assert.is(check.stored, report.stored! - lostBatch.count + copied.count);
  }
});

test('stages with session churn and a reconnect storm: more sessions than typists, still exactly once', async () => {
  const { report } = await runLoadDetailed(options({
    clients: 6, scenario: { stages: [{ durationSec: 1, target: 6 }, { durationSec: 4, target: 6 }, { durationSec: 1, target: 2 }], sessionSec: 2, maxTypists: 6, reconnectStormsAt: [2], soak: false },
  }));
  assert.ok(report.sessionsStarted > 6, `${report.sessionsStarted} sessions for 6 typists with 2 s sessions over 6 s`);
  assert.ok(report.reconnects >= 1, 'the storm made clients reconnect');
  assert.is(report.lost, 0);
  assert.is(report.duplicates, 0);
  assert.is(report.acked, report.sent);
});

test('a replayed log types from each client\'s own point of it, exactly once', async () => {
  const log = parseReplayLog('down_ms\tup_ms\tcode\tkey\n0\t90\tKeyH\th\n120\t200\tKeyI\ti\n250\t330\tSpace\t \n400\t\tKeyA\ta\n');
  const { report, clients } = await runLoadDetailed(options({ clients: 4, rampUpSec: 0, durationSec: 2, replay: log }));
  assert.is(report.lost, 0);
  assert.is(report.stored, report.sent);
  assert.ok(report.sent >= 4 * 8, `${report.sent} events`);
  // In lockstep every session's first event would be the log's first, at offset 0.
  const first = await db.pool.query<{ offset_us: string }>('SELECT min(offset_us)::text AS offset_us FROM keystrokes WHERE session_id = ANY($1::uuid[]) GROUP BY session_id', [clients.map((c) => c.sessionId)]);
  assert.is(first.rows.length, 4);
  assert.ok(new Set(first.rows.map((r) => r.offset_us)).size > 1, `every client started at the same point of the log: ${JSON.stringify(first.rows)}`);
});

test('an arrival rate starts sessions at its pace whatever is running, each a short test', async () => {
  const { report } = await runLoadDetailed(options({ clients: 4, scenario: { stages: [{ durationSec: 3, target: 4 }], arrivalPerSec: 3, sessionSec: 1, maxTypists: 4, reconnectStormsAt: [], soak: false } }));
  assert.ok(report.sessionsStarted + report.droppedArrivals >= 9, `${report.sessionsStarted} started, ${report.droppedArrivals} dropped in 3 s at 3/s`);
  assert.ok(report.sessionsStarted >= 6, `${report.sessionsStarted} sessions`);
  assert.is(report.completedSessions, report.sessionsStarted);
  assert.is(report.lost, 0);
  assert.is(report.duplicates, 0);
});

test('load-test typists past their retention are deleted, keystrokes and all, when the next load test starts', async () => {
  const api = new LoadtestApi(sidecar.base, TOKEN, 'old-run');
  const [old] = await api.createSessions(1);
  await db.pool.query("INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits) VALUES ($1, 1, '{0}', '{KeyA}', '{a}', '{-1}', keystroke_event_bits('{0}', '{f}', '{1}', '{0}'))", [old!.sessionId]);
  const real = await db.pool.query<{ id: string }>("INSERT INTO users (is_anonymous, display_name) VALUES (true, 'a real anonymous typist') RETURNING id");
  await db.pool.query("UPDATE users SET loadtest_expires_at = now() - interval '1 hour' WHERE loadtest_run = 'old-run'");
  await new LoadtestApi(sidecar.base, TOKEN, 'new-run').createSessions(1);
  const count = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rows[0].n;
  assert.is(await count("SELECT count(*)::int AS n FROM users WHERE loadtest_run = 'old-run'", []), 0);
  assert.is(await count('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [old!.sessionId]), 0);
  assert.is(await count('SELECT count(*)::int AS n FROM users WHERE id = $1', [real.rows[0]!.id]), 1, 'an untagged user is never touched');
  assert.is(await count("SELECT count(*)::int AS n FROM users WHERE loadtest_run = 'new-run'", []), 1);
});

test('the load-test door: off without a token, off in production unless allowed, wrong tokens logged with the address and throttled', async () => {
  const post = (base: string, token: string) => fetch(`${base}/api/loadtest/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-loadtest-token': token }, body: '{"count":1}' });
  const off = await startTestSidecar(db.url, db.pool, {}, [loadtestRoutes]);
  const production = await startTestSidecar(db.url, db.pool, { LOADTEST_TOKEN: TOKEN, NODE_ENV: 'production', DOMAIN: 'example.com' }, [loadtestRoutes]);
  const allowed = await startTestSidecar(db.url, db.pool, { LOADTEST_TOKEN: TOKEN, NODE_ENV: 'production', DOMAIN: 'example.com', LOADTEST_ALLOW_PRODUCTION: 'true' }, [loadtestRoutes]);
  try {
    assert.is((await post(off.base, TOKEN)).status, 404);
    assert.is((await post(production.base, TOKEN)).status, 404, 'production refuses load tests by default');
    assert.is((await post(allowed.base, TOKEN)).status, 201, 'LOADTEST_ALLOW_PRODUCTION opens them');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(allowed.base, `wrong-${i}`)).status);
    assert.equal(statuses.slice(0, 10), Array(10).fill(403));
    assert.equal(statuses.slice(10), [429, 429], 'an address that keeps guessing is throttled');
    assert.is((await post(allowed.base, TOKEN)).status, 429, 'even the right token, until the window passes');
    const rejected = allowed.logs.filter((l) => l.includes('loadtest_token_rejected'));
    assert.is(rejected.length, 10);
    assert.match(rejected[0]!, /"ip":"127\.0\.0\.1"/);
    assert.not.match(rejected.join('\n'), new RegExp(TOKEN));
  } finally {
    await off.close();
    await production.close();
    await allowed.close();
  }
});

const tokenFile = () => {
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, `${TOKEN}\n`);
  return file;
};
const cli = (args: string[], env: Record<string, string> = {}) => spawnTs('tools/bin/load.ts', env, ['--url', sidecar.base, '--ingest', `${ingest.url}/ws`, ...args]);

test('the command line: a verified run with thresholds, JSON, HTML and OpenMetrics, cleanup, and the token never shown', async () => {
  const json = path.join(dir, 'run.json');
  const html = path.join(dir, 'run.html');
  const metrics = path.join(dir, 'run.prom');
  const run = cli(['--token-file', tokenFile(), '--clients', '4', '--ramp-up', '0', '--duration', '2', '--json', json, '--html', html, '--openmetrics', metrics,
    '--threshold', 'ack_p99<3600000', '--threshold', 'errors<100%', '--threshold', 'lost==0', '--run-tag', 'cli-run-1', '--cleanup']);
  assert.is(await run.exited(90_000), 0, run.output());
  const result = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.is(result.tool.name, 'fingerflow-load');
  assert.type(result.tool.version, 'string');
  assert.type(result.serverVersion, 'string');
  assert.is(result.settings.clients, 4);
  assert.is(result.settings.batchMs, 150, 'browser-like batching by default');
  assert.is(result.settings.batchEvents, 64);
  assert.is(result.verification.method, 'api');
  assert.is(result.lost, 0);
  assert.equal(result.thresholds.map((t: { ok: boolean }) => t.ok), [true, true, true]);
  assert.match(fs.readFileSync(html, 'utf8'), /<svg[^>]*>.*polyline/s);
  assert.match(fs.readFileSync(metrics, 'utf8'), /fingerflow_load_events_acked_total\{run="cli-run-1",transport="ws"\} \d+\n[\s\S]*# EOF\n$/);
  for (const text of [run.output(), fs.readFileSync(json, 'utf8'), fs.readFileSync(html, 'utf8')]) assert.not.ok(text.includes(TOKEN), 'the token leaked');
  assert.match(run.output(), /cleanup: 4 sessions of run cli-run-1 removed/);
  const left = await db.pool.query("SELECT count(*)::int AS n FROM users WHERE loadtest_run = 'cli-run-1'");
  assert.is(left.rows[0].n, 0);
});

test('exit codes: 1 when a threshold fails, 3 when the stored events cannot be counted (the report is still written)', async () => {
  const failing = cli(['--clients', '2', '--ramp-up', '0', '--duration', '1', '--threshold', 'ack_max<1', '--run-tag', 'cli-fail'], { LOADTEST_TOKEN: TOKEN });
  assert.is(await failing.exited(90_000), 1, failing.output());
  assert.match(failing.output(), /FAIL threshold ack_max<1/);
  const tagged = async () => (await db.pool.query("SELECT count(*)::int AS n FROM users WHERE loadtest_run = 'cli-fail'")).rows[0].n;
  assert.is(await tagged(), 2);
  const cleanup = cli(['--cleanup-only', '--run-tag', 'cli-fail'], { LOADTEST_TOKEN: TOKEN });
  assert.is(await cleanup.exited(30_000), 0, cleanup.output());
  assert.is(await tagged(), 0, 'a run is removed afterwards by its tag');
  const json = path.join(dir, 'unverified.json');
  const unverified = cli(['--clients', '2', '--ramp-up', '0', '--duration', '1', '--database-url', 'postgres://nobody@127.0.0.1:1/none', '--json', json, '--cleanup'], { LOADTEST_TOKEN: TOKEN });
  assert.is(await unverified.exited(90_000), 3, unverified.output());
  assert.match(unverified.output(), /NOT VERIFIED/);
  assert.is(JSON.parse(fs.readFileSync(json, 'utf8')).lost, null);
});

test('an unreachable ingest server: the run still ends after its grace period, with a failure and errors counted by code', async () => {
  const run = spawnTs('tools/bin/load.ts', { LOADTEST_TOKEN: TOKEN }, ['--url', sidecar.base, '--ingest', 'ws://127.0.0.1:9/ws', '--clients', '3', '--ramp-up', '0', '--duration', '1', '--grace', '2', '--cleanup']);
  assert.is(await run.exited(90_000), 1, run.output());
  assert.match(run.output(), /CONNECT_ECONNREFUSED=\d+/);
  assert.match(run.output(), /FAIL: no event was acknowledged/);
});

test('the command line refuses bad options in one line, exit 2, no stack trace; --help describes every flag', async () => {
  const cases: Array<[Record<string, string>, string[], RegExp]> = [
    [{ LOADTEST_TOKEN: TOKEN }, ['--clients', '0'], /--clients must be a whole number >= 1/],
    [{ LOADTEST_TOKEN: TOKEN }, ['--transport', 'carrier-pigeon'], /--transport must be ws or socketio/],
    [{ LOADTEST_TOKEN: TOKEN }, ['--model', 'replayy'], /--model must be human or replay, got "replayy"/],
    [{ LOADTEST_TOKEN: TOKEN }, ['--model', 'replay', '--replay', '/nonexistent/log.tsv'], /--replay \/nonexistent\/log.tsv: no such file/],
    [{ LOADTEST_TOKEN: TOKEN }, ['--threshold', 'p99 < fast'], /--threshold "p99 < fast"/],
    [{}, [], /a load-test token is needed/],
    // No server configuration is read: production without SECRET_KEY is no obstacle, a wrong token is the server's answer.
    [{ NODE_ENV: 'production', LOADTEST_TOKEN: 'x'.repeat(40) }, ['--url', 'http://127.0.0.1:25089'], /cannot reach http:\/\/127\.0\.0\.1:25089\/api\/loadtest\/info: connect ECONNREFUSED/],
  ];
  for (const [env, args, message] of cases) {
    const run = spawnTs('tools/bin/load.ts', { DATA_DIR: dir, ...env }, args);
    assert.is(await run.exited(30_000), 2, run.output());
    assert.match(run.output(), message);
    assert.not.match(run.output(), /\n\s+at /, `a stack trace: ${run.output()}`);
  }
  assert.not.ok(fs.existsSync(path.join(dir, 'secret_key')), 'the tool wrote into a data folder');
  const help = spawnTs('tools/bin/load.ts', {}, ['--help']);
  assert.is(await help.exited(30_000), 0);
  const { LOAD_OPTIONS } = await import('./cli/options.ts');
  const manual = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'LOAD-TESTING.md'), 'utf8');
  for (const name of Object.keys(LOAD_OPTIONS)) {
    assert.match(help.output(), new RegExp(`--${name}\\b.*\\S`), `--help does not describe --${name}`);
    assert.match(manual, new RegExp(`^\\| \`--${name}[ \`]`, 'm'), `docs/LOAD-TESTING.md does not list --${name}`);
  }
});

test('--workers 2: two generator processes, one merged result with every typist and exact totals', async () => {
  const json = path.join(dir, 'workers.json');
  const run = cli(['--workers', '2', '--clients', '6', '--ramp-up', '0', '--duration', '2', '--json', json, '--cleanup'], { LOADTEST_TOKEN: TOKEN });
  assert.is(await run.exited(120_000), 0, run.output());
  const result = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.is(result.generators.length, 2);
  assert.is(result.clients, 6);
  assert.is(result.sessionsStarted, 6);
  assert.is(result.lost, 0);
  assert.is(result.stored, result.sent);
  assert.is(result.timeline.reduce((n: number, p: { eventsPerSec: number }) => n + p.eventsPerSec, 0), result.acked);
});

test('--outage-at with --server-cmd: the tool kills the ingest server it started, starts it again, and counts the backlog', async () => {
  const port = await freePort();
  const env = `DATABASE_URL='${db.url}' INGEST_PORT=${port} SECRET_KEY='${TEST_SECRET}' NODE_ENV=test ALLOWED_ORIGINS=http://localhost:8080 LOG_LEVEL=error`;
  const command = `${env} exec '${process.execPath}' --import tsx server/bin/ingest.ts`;
  const json = path.join(dir, 'outage.json');
  const run = spawnTs('tools/bin/load.ts', { LOADTEST_TOKEN: TOKEN }, ['--url', sidecar.base, '--ingest', `ws://127.0.0.1:${port}/ws`, '--clients', '4', '--ramp-up', '0', '--duration', '8',
    '--outage-at', '3', '--outage-seconds', '2', '--server-cmd', command, '--grace', '30', '--json', json, '--cleanup']);
  assert.is(await run.exited(120_000), 0, run.output());
  const result = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.is(result.lost, 0, run.output());
  assert.is(result.duplicates, 0);
  assert.ok(result.reconnects >= 1, `typists came back after the kill: ${result.reconnects}`);
  assert.is(result.completedSessions, 4, 'every session ended after the restart');
  assert.ok(result.outage.backlogDelivered > 0, JSON.stringify(result.outage));
  assert.type(result.outage.drainSec, 'number');
  assert.match(result.settings.outage.serverCmd, /SECRET_KEY=\*\*\*/);
  assert.not.ok(JSON.stringify(result).includes(TEST_SECRET), 'the server command\'s secret is in the report');
  assert.not.ok(await portOpen(port), 'the server the tool started is stopped at the end');
});

test('the standalone example typists (ws and Socket.IO) speak the protocol: their events are stored', async () => {
  for (const script of ['examples/load/ws-typist.mjs', 'examples/load/socketio-typist.mjs']) {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, script)], { cwd: REPO_ROOT, env: { PATH: process.env.PATH, SIDECAR_URL: sidecar.base, INGEST_URL: `${ingest.url}/ws`, LOADTEST_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.is(code, 0, `${script}: ${output}`);
    const line = JSON.parse(output.trim().split('\n').filter((l) => l.startsWith('{')).pop() ?? '{}');
    assert.not.match(output, /server error/, `${script}: ${output}`);
    assert.is(line.stored, 22, `${script}: ${output}`);
    assert.is(line.committedSeq, 3);
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

test.run();
