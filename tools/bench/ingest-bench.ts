// `npm run bench:ingest -- [--json FILE] [--clients 200] [--batch 64] [--window 4] [--seconds 8] [--rows 1000000]`
// Measures in one run on this machine: (a) the raw COPY ceiling into the keystroke table, and
// (b) the full path, N WebSocket clients -> ingest process -> COPY -> COMMIT -> ack, at full
// speed and at half of it; then checks that nothing acknowledged was lost or stored twice.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { busyWarning, otherWorkCores } from './machine-busy.ts';
import pg from 'pg';
import { startBenchCluster } from './bench-cluster.ts';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { spawnTs } from '../../server/test/support/processes.ts';
import { makeEvents, signer, TEST_SECRET } from '../../server/test/support/ingest-fixtures.ts';
import { measureCopyCeiling } from './copy-ceiling.ts';
import { runLoad, type BenchSession } from './load-clients.ts';
import { percentiles } from './latency.ts';
import { verifyStored } from './verify.ts';
import { scrapeFlushHistogram } from './flush-metrics.ts';
import { cpuMeter } from './cpu-usage.ts';

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' }, clients: { type: 'string', default: '200' }, batch: { type: 'string', default: '64' },
    window: { type: 'string', default: '4' }, seconds: { type: 'string', default: '8' }, rows: { type: 'string', default: '1000000' },
  },
});
const clients = Number(args.clients);
const events = makeEvents(Number(args.batch));
const durationMs = Number(args.seconds) * 1000;
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// Figures from a shared machine describe the sharing too: say so before they are read.
const busy = busyWarning(await otherWorkCores());
if (busy) say(`WARNING ${busy}`);
const { cluster, url } = await startBenchCluster(say);
const db = new pg.Client({ connectionString: url });
await db.connect();

let child: ReturnType<typeof spawnTs> | undefined;
try {
  const ceilings: Record<string, number> = {};
  for (const connections of [1, 2, 3]) {
    say(`raw COPY ceiling: ${args.rows} rows of ${clients} interleaved sessions, 10k rows per COPY, ${connections} connection(s)`);
    ceilings[`copy_${connections}conn`] = await measureCopyCeiling(url, { rows: Number(args.rows), rowsPerCopy: 10_000, connections, sessions: clients, events });
    say(`  ${Math.round(ceilings[`copy_${connections}conn`]!).toLocaleString('en')} rows/s`);
    await db.query('TRUNCATE keystrokes');
  }
  const copyRowsPerSec = Math.max(...Object.values(ceilings));
  await db.query('CHECKPOINT');

  const port = await freePort();
  child = spawnTs('server/bin/ingest.ts', { DATABASE_URL: url, INGEST_PORT: String(port), SECRET_KEY: TEST_SECRET, NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'info', ALLOWED_ORIGINS: 'http://localhost',
    // All bench sessions belong to one user: lift the per-user cap and quota (issue 15).
    INGEST_MAX_CONNECTIONS_PER_USER: '1000000', QUOTA_EVENTS_PER_USER_PER_DAY: '1000000000' });
  await child.waitFor('"event":"ingest_ready"', 30_000);
  const target = `ws://127.0.0.1:${port}`;
  const user = (await db.query<{ id: string }>("INSERT INTO users (email) VALUES ('bench@example.com') RETURNING id")).rows[0]!.id;
  const makeSessions = async (n: number): Promise<BenchSession[]> => {
    const { rows } = await db.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode) SELECT $1, 'timed' FROM generate_series(1, $2) RETURNING id", [user, n]);
    return rows.map((r) => ({ sessionId: r.id, ticket: signer.sign({ userId: user, sessionId: r.id, audience: 'ingest', ttlSeconds: 600 }) }));
  };

  say(`full path at full speed: ${clients} clients, ${events.length} events per batch, window ${args.window}, ${args.seconds} s`);
  const fullSessions = await makeSessions(clients);
  const pids = { loadGenerator: process.pid, ingest: child.child.pid!, postgres: cluster.server.pid! };
  const fullMeter = cpuMeter(pids);
  const full = await runLoad({ kind: 'ws', url: target, sessions: fullSessions, events, window: Number(args.window), durationMs });
  const fullCpu = fullMeter.stop();
  const ingestEventsPerSec = full.ackedEvents / full.seconds;
  say(`  ${Math.round(ingestEventsPerSec).toLocaleString('en')} durable-acked events/s`);
  await db.query('CHECKPOINT');

  say(`full path at half speed: ${Math.round(ingestEventsPerSec / 2).toLocaleString('en')} events/s offered`);
  const halfSessions = await makeSessions(clients);
  const halfMeter = cpuMeter(pids);
  const half = await runLoad({ kind: 'ws', url: target, sessions: halfSessions, events, window: Number(args.window), durationMs, targetEventsPerSec: ingestEventsPerSec / 2 });
  const halfCpu = halfMeter.stop();
  const halfLatency = percentiles(half.latenciesMs);
  const fullLatency = percentiles(full.latenciesMs);
  say(`  ${Math.round(half.ackedEvents / half.seconds).toLocaleString('en')} events/s acked, ack p50 ${halfLatency.p50} ms, p99 ${halfLatency.p99} ms`);

  const flushHistogram = await scrapeFlushHistogram(port);
  child.child.kill('SIGTERM');
  await child.exited(15_000);
  const check = await verifyStored(db, [...fullSessions, ...halfSessions].map((s) => s.sessionId), new Map([...full.acked, ...half.acked]), events.length);

  const result = {
    copyRowsPerSec: Math.round(copyRowsPerSec),
    ingestEventsPerSec: Math.round(ingestEventsPerSec),
    ratio: Math.round((ingestEventsPerSec / copyRowsPerSec) * 1000) / 1000,
    ackP50Ms: halfLatency.p50,
    ackP99Ms: halfLatency.p99,
    lost: check.lost,
    duplicates: check.duplicates,
    details: {
      copyCeilings: Object.fromEntries(Object.entries(ceilings).map(([k, v]) => [k, Math.round(v)])),
      clients, eventsPerBatch: events.length, window: Number(args.window), seconds: Number(args.seconds),
      fullSpeedAckMs: fullLatency, halfSpeedAckMs: halfLatency, halfSpeedEventsPerSec: Math.round(half.ackedEvents / half.seconds),
      storedRows: check.stored,
      flushes: flushHistogram,
      coresUsedAtFullSpeed: fullCpu,
      coresUsedAtHalfSpeed: halfCpu,
    },
  };
  const rows: Array<[string, string]> = [
    ['raw COPY ceiling (rows/s)', result.copyRowsPerSec.toLocaleString('en')],
    ['full path, durable-acked (events/s)', result.ingestEventsPerSec.toLocaleString('en')],
    ['ratio full path / ceiling', `${result.ratio} (target >= 0.5)`],
    ['ack p50 at half speed (ms)', String(result.ackP50Ms)],
    ['ack p99 at half speed (ms)', `${result.ackP99Ms} (target <= 100)`],
    ['ack p99 at full speed (ms)', String(fullLatency.p99)],
    ['lost / duplicates', `${result.lost} / ${result.duplicates}`],
    ['flushes (count, mean rows, mean ms)', `${flushHistogram.count}, ${flushHistogram.meanRows}, ${flushHistogram.meanMs}`],
    ['flush duration <= 25/50/100/250 ms', flushHistogram.durationShare],
    ['cores used at full speed (load gen / ingest / postgres)', `${fullCpu.loadGenerator} / ${fullCpu.ingest} / ${fullCpu.postgres}`],
    ['cores used at half speed (load gen / ingest / postgres)', `${halfCpu.loadGenerator} / ${halfCpu.ingest} / ${halfCpu.postgres}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  process.exitCode = result.lost === 0 && result.duplicates === 0 ? 0 : 1;
} finally {
  if (child && child.child.exitCode === null) child.child.kill('SIGKILL');
  await db.end();
  await cluster.destroy();
}
