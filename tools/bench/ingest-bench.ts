// `npm run bench:ingest -- [--json FILE] [--clients 200] [--batch 64] [--window 4] [--seconds 8] [--rows 1000000] [--typists 200] [--typing-seconds 300]`
// Measures in one run on this machine: (a) the raw COPY ceilings, per-row into a v1-shaped
// table (the old ceiling) and packed into keystroke_batches (the new one), (b) the full path,
// N WebSocket clients -> ingest process -> COPY -> COMMIT -> ack, at full speed and at half of
// it; then checks that nothing acknowledged was lost or stored twice, and what a stored event
// costs on disk (table + indexes + TOAST over events); (c) what a typist's events cost on disk
// as live typing stores them and after their ended sessions are compacted.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { say, startBench } from './bench-cluster.ts';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { spawnTs } from '../../server/test/support/processes.ts';
import { makeEvents, signer, TEST_SECRET } from '../../server/test/support/ingest-fixtures.ts';
import { measureCopyCeiling, PACKED_TARGET, ROW_TARGET } from './copy-ceiling.ts';
import { CREATE_ROW_TABLE, ROW_TABLE } from './row-copy.ts';
import { runLoad, type BenchSession } from './load-clients.ts';
import { percentiles } from './latency.ts';
import { verifyStored } from './verify.ts';
import { scrapeFlushHistogram } from './flush-metrics.ts';
import { cpuMeter } from './cpu-usage.ts';
import { compactedBytesPerEvent, measureLiveCompaction } from './live-compaction.ts';

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' }, clients: { type: 'string', default: '200' }, batch: { type: 'string', default: '64' },
    window: { type: 'string', default: '4' }, seconds: { type: 'string', default: '8' }, rows: { type: 'string', default: '1000000' },
    'typists': { type: 'string', default: '200' }, 'typing-seconds': { type: 'string', default: '300' },
  },
});
const clients = Number(args.clients);
const events = makeEvents(Number(args.batch));
const durationMs = Number(args.seconds) * 1000;
const { cluster, url } = await startBench();
const db = new pg.Client({ connectionString: url });
await db.connect();

let child: ReturnType<typeof spawnTs> | undefined;
try {
  await db.query(CREATE_ROW_TABLE);
  const ceilings: Record<string, number> = {};
  for (const [name, target] of [['row', ROW_TARGET], ['batch', PACKED_TARGET]] as const) {
    for (const connections of [1, 2, 3]) {
      say(`${name} COPY ceiling: ${args.rows} events of ${clients} interleaved sessions, 10k events per COPY, ${connections} connection(s)`);
      ceilings[`${name}_${connections}conn`] = await measureCopyCeiling(url, { rows: Number(args.rows), rowsPerCopy: 10_000, connections, sessions: clients, events, target });
      say(`  ${Math.round(ceilings[`${name}_${connections}conn`]!).toLocaleString('en')} events/s`);
      await db.query(`TRUNCATE ${target.table}`);
    }
  }
  const best = (name: string) => Math.max(...Object.entries(ceilings).filter(([k]) => k.startsWith(`${name}_`)).map(([, v]) => v));
  const rowCopyEventsPerSec = best('row');
  const batchCopyEventsPerSec = best('batch');
  await db.query(`DROP TABLE ${ROW_TABLE}`);
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
  await db.query('VACUUM ANALYZE keystroke_batches'); // the visibility map and free space, as a settled table has
  const size = (await db.query<{ bytes: string }>("SELECT pg_total_relation_size('keystroke_batches')::text AS bytes")).rows[0]!.bytes;
  const bytesPerEvent = check.stored > 0 ? Math.round((Number(size) / check.stored) * 10) / 10 : 0;
  say('bytes per event of 40 of those sessions once ended and compacted');
  const bytesPerEventCompacted = await compactedBytesPerEvent(db, fullSessions.slice(0, 40).map((s) => s.sessionId));

  say(`live typing: ${args.typists} typists' sessions of ${args['typing-seconds']} s in 150 ms frames, stored, ended, compacted`);
  await db.query('TRUNCATE keystroke_batches');
  const live = await measureLiveCompaction(db, user, { sessions: Number(args.typists), seconds: Number(args['typing-seconds']) });
  say(`  ${live.liveBytesPerEvent} -> ${live.compactedBytesPerEvent} bytes/event, compacted at ${live.compactionEventsPerSec.toLocaleString('en')} events/s`);

  const result = {
    rowCopyEventsPerSec: Math.round(rowCopyEventsPerSec),
    batchCopyEventsPerSec: Math.round(batchCopyEventsPerSec),
    ingestEventsPerSec: Math.round(ingestEventsPerSec),
    ingestVsRowCopy: Math.round((ingestEventsPerSec / rowCopyEventsPerSec) * 1000) / 1000,
    ingestVsBatchCopy: Math.round((ingestEventsPerSec / batchCopyEventsPerSec) * 1000) / 1000,
    bytesPerEvent,
    bytesPerEventCompacted,
    liveBytesPerEvent: live.liveBytesPerEvent,
    compactedBytesPerEvent: live.compactedBytesPerEvent,
    ackP50Ms: halfLatency.p50,
    ackP99Ms: halfLatency.p99,
    lost: check.lost,
    duplicates: check.duplicates,
    details: {
      copyCeilings: Object.fromEntries(Object.entries(ceilings).map(([k, v]) => [k, Math.round(v)])),
      clients, eventsPerBatch: events.length, window: Number(args.window), seconds: Number(args.seconds),
      fullSpeedAckMs: fullLatency, halfSpeedAckMs: halfLatency, halfSpeedEventsPerSec: Math.round(half.ackedEvents / half.seconds),
      storedRows: check.stored,
      liveTyping: live,
      flushes: flushHistogram,
      coresUsedAtFullSpeed: fullCpu,
      coresUsedAtHalfSpeed: halfCpu,
    },
  };
  const rows: Array<[string, string]> = [
    ['per-row COPY ceiling, v1 table (events/s)', result.rowCopyEventsPerSec.toLocaleString('en')],
    ['packed COPY ceiling, keystroke_batches (events/s)', result.batchCopyEventsPerSec.toLocaleString('en')],
    ['full path, durable-acked (events/s)', result.ingestEventsPerSec.toLocaleString('en')],
    ['full path / per-row ceiling', `${result.ingestVsRowCopy} (target >= 1.5)`],
    ['full path / packed ceiling', `${result.ingestVsBatchCopy} (target >= 0.7)`],
    ['bytes per stored event (table + indexes + TOAST)', `${result.bytesPerEvent} (target <= 40); ${bytesPerEventCompacted} once ended and compacted`],
    ['live typing, bytes per event: as stored / compacted', `${live.liveBytesPerEvent} / ${live.compactedBytesPerEvent} (${live.events.toLocaleString('en')} events, ${live.rowsLive.toLocaleString('en')} -> ${live.rowsCompacted.toLocaleString('en')} rows)`],
    ['compaction of ended sessions (events/s, one connection)', live.compactionEventsPerSec.toLocaleString('en')],
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
