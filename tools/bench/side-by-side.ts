// `npm run bench -- [--json FILE] [--clients 200] [--seconds 8] [--update-docs]`: one run on
// this machine, side by side: (a) the raw COPY ceiling (packed batch rows, as ingest writes
// them), (b) our ingest through ws, (c) through Socket.IO, (d) the original design's HTTP
// POST of JSON batches of 50 events with multi-row INSERT, one row per event. Prints the
// ratios and writes them as JSON; BENCHMARKS.md changes only with --update-docs (one run is
// not a release figure). Warns when the machine is busy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { say, startBench } from './bench-cluster.ts';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { REPO_ROOT, spawnTs } from '../../server/test/support/processes.ts';
import { makeEvents, signer, TEST_SECRET } from '../../server/test/support/ingest-fixtures.ts';
import { measureCopyCeiling } from './copy-ceiling.ts';
import { runLoad, type BenchSession } from './load-clients.ts';
import type { LinkKind } from './links.ts';
import { percentiles } from './latency.ts';
import { verifyStored } from './verify.ts';
import { CREATE_ROW_TABLE, ROW_TABLE } from './row-copy.ts';
import { writeBenchmarksSection } from './benchmarks-md.ts';
import { ceilingWarning, recordedCopyCeiling } from './machine-busy.ts';

const { values: args } = parseArgs({ options: { json: { type: 'string' }, clients: { type: 'string', default: '200' }, seconds: { type: 'string', default: '8' }, rows: { type: 'string', default: '1000000' }, 'update-docs': { type: 'boolean' } } });
const clients = Number(args.clients);
const events = makeEvents(50); // the original's batch size
const durationMs = Number(args.seconds) * 1000;
const warnings: string[] = [];
const { busy, cluster, url } = await startBench();
if (busy) warnings.push(busy);
const db = new pg.Client({ connectionString: url });
await db.connect();
await db.query(CREATE_ROW_TABLE); // the baseline writes rows, as the original did
const user = (await db.query<{ id: string }>("INSERT INTO users (email) VALUES ('bench@example.com') RETURNING id")).rows[0]!.id;
const sessionsFor = async (n: number): Promise<BenchSession[]> => {
  const { rows } = await db.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode) SELECT $1, 'timed' FROM generate_series(1, $2) RETURNING id", [user, n]);
  return rows.map((r) => ({ sessionId: r.id, ticket: signer.sign({ userId: user, sessionId: r.id, audience: 'ingest', ttlSeconds: 600 }) }));
};

const results: Record<string, { eventsPerSec: number; p50: number; p99: number; lost: number; duplicates: number }> = {};
let server: ReturnType<typeof spawnTs> | undefined;
try {
  say(`(a) raw COPY ceiling: ${args.rows} rows of ${clients} interleaved sessions`);
  let copyRowsPerSec = 0;
  for (const connections of [1, 2]) {
    copyRowsPerSec = Math.max(copyRowsPerSec, await measureCopyCeiling(url, { rows: Number(args.rows), rowsPerCopy: 10_000, connections, sessions: clients, events }));
    await db.query(`TRUNCATE keystroke_batches, ${ROW_TABLE}`);
  }
  say(`  ${Math.round(copyRowsPerSec).toLocaleString('en')} rows/s`);
  const benchmarksMd = path.join(REPO_ROOT, 'BENCHMARKS.md');
  const slow = ceilingWarning(copyRowsPerSec, recordedCopyCeiling(fs.existsSync(benchmarksMd) ? fs.readFileSync(benchmarksMd, 'utf8') : ''));
  if (slow) warnings.push(slow);

  const phase = async (kind: LinkKind, target: string) => {
    await db.query('CHECKPOINT');
    const sessions = await sessionsFor(clients);
    const run = await runLoad({ kind, url: target, sessions, events, window: 4, durationMs });
    const check = await verifyStored(db, sessions.map((s) => s.sessionId), run.acked, events.length, kind === 'http' ? 'rows' : 'packed');
    const latency = percentiles(run.latenciesMs);
    results[kind] = { eventsPerSec: Math.round(run.ackedEvents / run.seconds), p50: latency.p50, p99: latency.p99, lost: check.lost, duplicates: kind === 'http' ? 0 : check.duplicates };
    say(`  ${results[kind].eventsPerSec.toLocaleString('en')} events/s, ack p50 ${latency.p50} ms, p99 ${latency.p99} ms, lost ${check.lost}`);
    await db.query(`TRUNCATE keystroke_batches, ${ROW_TABLE}`);
  };

  const ingestPort = await freePort();
  server = spawnTs('server/bin/ingest.ts', { DATABASE_URL: url, INGEST_PORT: String(ingestPort), SECRET_KEY: TEST_SECRET, NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'info', ALLOWED_ORIGINS: 'http://localhost',
    // All bench sessions belong to one user: lift the per-user cap and quota (issue 15).
    INGEST_MAX_CONNECTIONS_PER_USER: '1000000', QUOTA_EVENTS_PER_USER_PER_DAY: '1000000000' });
  await server.waitFor('"event":"ingest_ready"', 30_000);
  say(`(b) ingest over ws: ${clients} clients, 50 events per batch, ${args.seconds} s`);
  await phase('ws', `ws://127.0.0.1:${ingestPort}`);
  say('(c) ingest over Socket.IO');
  await phase('socketio', `ws://127.0.0.1:${ingestPort}`);
  server.child.kill('SIGTERM');
  await server.exited(15_000);

  const baselinePort = await freePort();
  server = spawnTs('tools/bench/baseline-server.ts', {}, [url, String(baselinePort)]);
  await server.waitFor('baseline ready', 30_000);
  say('(d) baseline: HTTP POST of JSON batches, multi-row INSERT');
  await phase('http', `http://127.0.0.1:${baselinePort}`);
  server.child.kill('SIGTERM');
  await server.exited(15_000);

  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const summary = {
    copyRowsPerSec: Math.round(copyRowsPerSec),
    wsEventsPerSec: results.ws!.eventsPerSec,
    socketioEventsPerSec: results.socketio!.eventsPerSec,
    baselineEventsPerSec: results.http!.eventsPerSec,
    wsVsCopy: ratio(results.ws!.eventsPerSec, copyRowsPerSec),
    wsVsBaseline: ratio(results.ws!.eventsPerSec, results.http!.eventsPerSec),
    socketioVsCopy: ratio(results.socketio!.eventsPerSec, copyRowsPerSec),
    lost: results.ws!.lost + results.socketio!.lost,
    duplicates: results.ws!.duplicates + results.socketio!.duplicates,
  };
  const table: Array<[string, string, string, string]> = [
    ['path', 'events/s', 'vs COPY', 'ack p50 / p99 ms'],
    ['(a) raw COPY ceiling', summary.copyRowsPerSec.toLocaleString('en'), '1.00', '-'],
    ['(b) ingest, ws', summary.wsEventsPerSec.toLocaleString('en'), String(summary.wsVsCopy), `${results.ws!.p50} / ${results.ws!.p99}`],
    ['(c) ingest, Socket.IO', summary.socketioEventsPerSec.toLocaleString('en'), String(summary.socketioVsCopy), `${results.socketio!.p50} / ${results.socketio!.p99}`],
    ['(d) HTTP + INSERT baseline', summary.baselineEventsPerSec.toLocaleString('en'), String(ratio(summary.baselineEventsPerSec, copyRowsPerSec)), `${results.http!.p50} / ${results.http!.p99}`],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  const text = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
  process.stdout.write(`\n${text}\n\nws vs baseline: ${summary.wsVsBaseline}x   lost ${summary.lost}, duplicates ${summary.duplicates}\n\n`);
  for (const w of warnings) process.stderr.write(`[bench] WARNING ${w}\n`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify({ ...summary, warnings }, null, 2)}\n`);
  if (!args['update-docs']) say('BENCHMARKS.md left as it is (--update-docs writes this run into it)');
  else writeBenchmarksSection(path.join(REPO_ROOT, 'BENCHMARKS.md'), {
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${cluster.server.version}`,
    date: new Date().toISOString().slice(0, 10),
    table: text,
    summary: `ws is ${summary.wsVsBaseline}x the HTTP+INSERT baseline and ${summary.wsVsCopy}x of raw COPY; lost ${summary.lost}, duplicates ${summary.duplicates}.${warnings.length ? ` Measured while ${warnings.map((w) => w.replace(/^the machine is busy: /, '')).join('; ')}.` : ''}`,
    command: `npm run bench -- --clients ${clients} --seconds ${args.seconds}`,
  });
  process.exitCode = summary.lost === 0 && summary.duplicates === 0 ? 0 : 1;
} finally {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await db.end();
  await cluster.destroy();
}
