// `npm run bench:isolation -- [--json FILE] [--typists 200] [--analytics 20] [--seconds 20] [--analytics-pool N]`
// Issue 15, in one run on this machine: the sidecar and an ingest server as their own
// processes on a durable PostgreSQL; `typists` stream keystrokes while a sign-in loop
// measures sign-in latency. Phase A: nothing else. Phase B: the same, plus `analytics`
// worst-case analytics requests kept in flight at once (each a session spanning 1e12 us,
// stored as legacy data, asked with fatigueWindowSec=1, the uncached path). Prints the ack
// p99 and sign-in latencies of both phases and their ratios (target: B within 2x of A) and
// updates the isolation section of BENCHMARKS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { say, startBench } from './bench-cluster.ts';
import { percentiles } from './latency.ts';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { spawnTs, REPO_ROOT, type Spawned } from '../../server/test/support/processes.ts';
import { signer, TEST_SECRET } from '../../server/test/support/ingest-fixtures.ts';
import { runClients } from '../load/run-load.ts';
import { KeyRing } from '../../server/auth/keys.ts';
import { RefreshTokens } from '../../server/auth/store/refresh-tokens.ts';
import { JwtTokens } from '../../server/auth/jwt-tokens.ts';
import { PasswordHasher } from '../../server/auth/passwords.ts';
import { writeIsolationSection } from './benchmarks-md.ts';

const { values: args } = parseArgs({ options: { json: { type: 'string' }, typists: { type: 'string', default: '200' }, analytics: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' }, 'analytics-pool': { type: 'string' }, 'no-report': { type: 'boolean', default: false } } });
const typists = Number(args.typists);
const heavyCount = Number(args.analytics);
const seconds = Number(args.seconds);
const BCRYPT_ROUNDS = 10;
const PASSWORD = 'Isolation-Bench-42';

const { cluster, url } = await startBench();
const db = new pg.Pool({ connectionString: url, max: 4 });
const processes: Spawned[] = [];
try {
  const httpPort = await freePort();
  const ingestPort = await freePort();
  const env = { DATABASE_URL: url, SECRET_KEY: TEST_SECRET, NODE_ENV: 'test', LOG_LEVEL: 'info', ALLOWED_ORIGINS: 'http://localhost:8080', PORT: String(httpPort), INGEST_PORT: String(ingestPort), AUTH_RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '1000000', BCRYPT_ROUNDS: String(BCRYPT_ROUNDS), ...(args['analytics-pool'] ? { ANALYTICS_POOL_SIZE: args['analytics-pool'] } : {}) };
  const sidecar = spawnTs('server/bin/sidecar.ts', env);
  processes.push(sidecar);
  await sidecar.waitFor('"event":"sidecar_ready"', 60_000);
  const ingest = spawnTs('server/bin/ingest.ts', env);
  processes.push(ingest);
  await ingest.waitFor('"event":"ingest_ready"', 60_000);
  const base = `http://127.0.0.1:${httpPort}`;

  say(`seeding: a signing-in user, ${heavyCount} users with a 1e12 us legacy session each, ${typists * 2} typing sessions`);
  const hash = await new PasswordHasher(BCRYPT_ROUNDS).hash(PASSWORD);
  await db.query("INSERT INTO users (email, email_verified_at, password_hash) VALUES ('signin@example.com', now(), $1)", [hash]);
  const tokens = new JwtTokens(new KeyRing(TEST_SECRET));
  const signIns = new RefreshTokens(db, 7, 30, () => undefined);
  const heavy: Array<{ token: string; sessionId: string }> = [];
  for (let i = 0; i < heavyCount; i++) {
    const user = (await db.query<{ id: string }>("INSERT INTO users (email, email_verified_at) VALUES ($1, now()) RETURNING id", [`heavy${i}@example.com`])).rows[0]!.id;
    const session = (await db.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode, committed_seq, event_count) VALUES ($1, 'zen', 1, 4) RETURNING id", [user])).rows[0]!.id;
    await db.query(
      `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
       VALUES ($1, 1, '{0,50000,1000000000000,1000000050000}', '{KeyA,KeyA,KeyS,KeyS}', '{a,a,s,s}', '{0,0,1,1}', keystroke_event_bits('{0,1,0,1}', '{f,f,f,f}', '{0,0,1,1}', '{0,0,0,0}'))`,
      [session],
    );
    // An access token names a live sign-in (a refresh-token family), as every real one does.
    const { familyId } = await signIns.issue({ userId: user, userAgent: 'isolation-bench', ip: null });
    heavy.push({ token: tokens.sign('access', user, familyId).token, sessionId: session });
  }
  // One user per typist, as in life: the per-user connection cap and event quota apply.
  const owners = new Map<string, string>();
  const sessionsFor = async () => {
    const { rows } = await db.query<{ id: string; user_id: string }>(
      `WITH u AS (INSERT INTO users (email) SELECT 'typist-' || gen_random_uuid() || '@example.com' FROM generate_series(1, $1) RETURNING id)
       INSERT INTO typing_sessions (user_id, mode) SELECT id, 'timed' FROM u RETURNING id, user_id`,
      [typists],
    );
    for (const r of rows) owners.set(r.id, r.user_id);
    return rows.map((r) => ({ sessionId: r.id, ticket: signer.sign({ userId: r.user_id, sessionId: r.id, audience: 'ingest', ttlSeconds: 600 }) }));
  };

  const phase = async (name: string, withAnalytics: boolean) => {
    say(`phase ${name}: ${typists} typists for ${seconds} s${withAnalytics ? `, ${heavyCount} worst-case analytics requests in flight` : ''}, sign-ins every 250 ms`);
    let running = true;
    const signIns: number[] = [];
    const signInErrors: string[] = [];
    const analytics = new Map<string, number>();
    const signInLoop = (async () => {
      while (running) {
        const t0 = performance.now();
        const r = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'signin@example.com', password: PASSWORD }) }).catch((e: Error) => e);
        if (r instanceof Error || r.status !== 200) signInErrors.push(r instanceof Error ? r.message : String(r.status));
        else signIns.push(performance.now() - t0);
        if (!(r instanceof Error)) await r.arrayBuffer().catch(() => undefined);
        await new Promise((res) => setTimeout(res, 250));
      }
    })();
    const analyticsLoops = withAnalytics ? heavy.map(async (h) => {
      while (running) {
        const r = await fetch(`${base}/api/sessions/${h.sessionId}/analytics?fatigueWindowSec=1`, { headers: { authorization: `Bearer ${h.token}` } }).catch(() => undefined);
        const body = r ? ((await r.json().catch(() => ({}))) as { error?: { code?: string } }) : {};
        const key = r ? `${r.status}${body.error?.code ? ` ${body.error.code}` : ''}` : 'network error';
        analytics.set(key, (analytics.get(key) ?? 0) + 1);
      }
    }) : [];
    const { report } = await runClients({
      sessions: await sessionsFor(), ingestUrl: `ws://127.0.0.1:${ingestPort}/ws`, freshTicket: async (id) => signer.sign({ userId: owners.get(id)!, sessionId: id, audience: 'ingest', ttlSeconds: 600 }),
      clients: typists, rampUpSec: 2, durationSec: seconds, transport: 'ws', seed: 15, batchMs: 150, databaseUrl: url, graceSec: 30,
    });
    running = false;
    await Promise.all([signInLoop, ...analyticsLoops]);
    const signIn = percentiles(signIns);
    say(`  ack p99 ${report.ackLatencyMs.p99} ms, sign-in p50/p95 ${signIn.p50}/${percentile(signIns, 0.95)} ms, lost ${report.lost}, duplicates ${report.duplicates}${withAnalytics ? `, analytics answers ${[...analytics].map(([k, n]) => `${k} x${n}`).join(', ')}` : ''}`);
    return { reconnects: report.reconnects, errorsByCode: report.errorsByCode, ackP99Ms: report.ackLatencyMs.p99, ackP50Ms: report.ackLatencyMs.p50, acked: report.acked, lost: report.lost, duplicates: report.duplicates, signInP50Ms: signIn.p50, signInP95Ms: percentile(signIns, 0.95), signIns: signIns.length, signInErrors: signInErrors.length, analytics: Object.fromEntries(analytics) };
  };

  const quiet = await phase('A (baseline)', false);
  const loaded = await phase('B (with worst-case analytics)', true);
  const ratio = (b: number, a: number) => Math.round((b / Math.max(a, 1)) * 100) / 100;
  const result = {
    typists, analyticsInFlight: heavyCount, seconds, bcryptRounds: BCRYPT_ROUNDS, baseline: quiet, withAnalytics: loaded,
    ratios: { ackP99: ratio(loaded.ackP99Ms, quiet.ackP99Ms), signInP50: ratio(loaded.signInP50Ms, quiet.signInP50Ms), signInP95: ratio(loaded.signInP95Ms, quiet.signInP95Ms) },
  };
  const rows: Array<[string, string, string, string]> = [
    ['', 'A: typists only', `B: + ${heavyCount} analytics`, 'B / A'],
    ['ingest ack p50 (ms)', String(quiet.ackP50Ms), String(loaded.ackP50Ms), String(ratio(loaded.ackP50Ms, quiet.ackP50Ms))],
    ['ingest ack p99 (ms)', String(quiet.ackP99Ms), String(loaded.ackP99Ms), String(result.ratios.ackP99)],
    ['sign-in p50 (ms)', String(quiet.signInP50Ms), String(loaded.signInP50Ms), String(result.ratios.signInP50)],
    ['sign-in p95 (ms)', String(quiet.signInP95Ms), String(loaded.signInP95Ms), String(result.ratios.signInP95)],
    ['events acked / lost / duplicates', `${quiet.acked} / ${quiet.lost} / ${quiet.duplicates}`, `${loaded.acked} / ${loaded.lost} / ${loaded.duplicates}`, ''],
    ['sign-ins (failed)', `${quiet.signIns} (${quiet.signInErrors})`, `${loaded.signIns} (${loaded.signInErrors})`, ''],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')).join('\n');
  const answers = Object.entries(loaded.analytics).map(([k, n]) => `${k} x${n}`).join(', ');
  process.stdout.write(`\n${table}\n\nanalytics answers in B: ${answers}\n\n`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  if (!args['no-report']) {
    writeIsolationSection(path.join(REPO_ROOT, 'BENCHMARKS.md'), {
      date: new Date().toISOString().slice(0, 10), machine: `${os.cpus().length} cores, Node ${process.version}`, table,
      summary: `Analytics answers in phase B: ${answers}. Target: B within 2x of A for ack p99 and sign-in (ack p99 ${result.ratios.ackP99}x, sign-in p50 ${result.ratios.signInP50}x, p95 ${result.ratios.signInP95}x).`,
      command: `npm run bench:isolation -- --typists ${typists} --analytics ${heavyCount} --seconds ${seconds}${args['analytics-pool'] ? ` --analytics-pool ${args['analytics-pool']}` : ''}`,
    });
  }
} finally {
  for (const p of processes) {
    p.child.kill('SIGTERM');
    if ((await p.exited(10_000)) === undefined) p.child.kill('SIGKILL');
  }
  await db.end();
  await cluster.destroy();
}

function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
}
