// `npm run bench:analytics -- [--json FILE] [--session-events 20000] [--range-events 1000000] [--runs 7]`
// Times the analytics through the code the API runs (AnalyticsService): one session of
// 20,000 events, and a range over the 1,000,000 events of one user. Each is run once cold
// (building the per-session cache from raw keystrokes) and then `runs` times; the figures
// reported are the medians. Progress on stderr, a table on stdout.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AnalyticsService } from '../../server/analytics/index.ts';
import { computeSessionAnalytics } from '../../server/analytics/queries/session-query.ts';
import { createPool } from '../../server/db/pool.ts';
import { compactSessions } from '../../server/db/keystroke-compaction.ts';
import { seedTypist } from './analytics-seed.ts';
import { say, startBench } from './bench-cluster.ts';
import { timed } from './analytics-timing.ts';
import { clearAnalyticsCache, onceMs, perRowLayout } from './analytics-rows.ts';

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' }, 'session-events': { type: 'string', default: '20000' },
    'range-events': { type: 'string', default: '1000000' }, runs: { type: 'string', default: '7' },
  },
});
const runs = Number(args.runs);
const { cluster, url } = await startBench();
const pool = createPool(url, { max: 10, applicationName: 'fingerflow-bench' });

try {
  say(`storing one typist: a ${args['session-events']}-event session, then sessions up to ${args['range-events']} events`);
  const seeded = await seedTypist(pool, { sessionEvents: Number(args['session-events']), rangeEvents: Number(args['range-events']) }, say);
  await pool.query('VACUUM ANALYZE');
  const service = new AnalyticsService(pool);

  say(`session analytics, ${seeded.sessionEvents} events: computed from raw keystrokes (no cache), ${runs} runs`);
  const compute = await timed(() => computeSessionAnalytics(pool, seeded.sessionId, { fatigueWindowSec: 60 }), runs);
  say(`session analytics through the API path (first computes and keeps the answer), ${runs} runs`);
  const session = await timed(() => service.session(seeded.userId, seeded.sessionId, {}), runs);
  say(`a 60-second window of that session (never cached), ${runs} runs`);
  const window = await timed(() => service.session(seeded.userId, seeded.sessionId, { fromSec: 60, toSec: 120 }), runs);
  say(`range over ${seeded.sessions} sessions, ${seeded.rangeEvents.toLocaleString('en')} events (first builds the per-session cache), ${runs} runs`);
  const range = await timed(() => service.range(seeded.userId), runs);
  const trend = await timed(() => service.trend(seeded.userId), runs);
  const keys = await timed(() => service.keyModel(seeded.userId), runs);

  say('the same from a per-row (v1) copy of the events, for the packed / per-row ratios');
  const rowsPool = await perRowLayout(pool, url);
  const computeRows = await timed(() => computeSessionAnalytics(rowsPool, seeded.sessionId, { fatigueWindowSec: 60 }), runs);
  await clearAnalyticsCache(pool);
  const rangeFirstRows = await onceMs(() => new AnalyticsService(rowsPool).range(seeded.userId));
  await clearAnalyticsCache(pool);
  const rangeFirstPacked = await onceMs(() => service.range(seeded.userId));
  await rowsPool.end();

  // Ended sessions are compacted (migration 0013): what the analytics read in production.
  say('the same after compacting every session (rows of up to 160 events, each with its batch_seq and batch_idx)');
  const ids = (await pool.query<{ id: string }>('SELECT id FROM typing_sessions WHERE user_id = $1', [seeded.userId])).rows.map((r) => r.id);
  const merged = await compactSessions(pool, ids);
  await pool.query('VACUUM ANALYZE keystroke_batches');
  const computeCompacted = await timed(() => computeSessionAnalytics(pool, seeded.sessionId, { fatigueWindowSec: 60 }), runs);
  await clearAnalyticsCache(pool);
  const rangeFirstCompacted = await onceMs(() => service.range(seeded.userId));
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

  const result = {
    sessionMs: session.medianMs,
    rangeMs: range.medianMs,
    events: seeded.rangeEvents,
    // Packed over per-row, same events, same run (target <= 1.2): raw session, range cache build.
    sessionComputeVsRows: ratio(compute.medianMs, computeRows.medianMs),
    rangeFirstVsRows: ratio(rangeFirstPacked, rangeFirstRows),
    sessionComputeCompactedVsRows: ratio(computeCompacted.medianMs, computeRows.medianMs),
    rangeFirstCompactedVsRows: ratio(rangeFirstCompacted, rangeFirstRows),
    details: {
      sessionEvents: seeded.sessionEvents, sessions: seeded.sessions, runs,
      sessionFirstMs: session.firstMs, sessionComputeMs: compute.medianMs, windowMs: window.medianMs,
      rangeFirstMs: range.firstMs, trendMs: trend.medianMs, keyModelMs: keys.medianMs,
      perRow: { sessionComputeMs: computeRows.medianMs, rangeFirstMs: rangeFirstRows }, packedRangeFirstMs: rangeFirstPacked,
      compacted: { rowsMerged: merged, sessionComputeMs: computeCompacted.medianMs, rangeFirstMs: rangeFirstCompacted },
      samples: { session: session.samplesMs, compute: compute.samplesMs, range: range.samplesMs },
    },
  };
  const rows: Array<[string, string]> = [
    ['session analytics, cached answer (ms, median)', `${result.sessionMs} (target <= 50)`],
    ['session analytics, computed from raw events (ms, median)', String(compute.medianMs)],
    ['session analytics, first request (ms)', String(session.firstMs)],
    ['60 s window of the session (ms, median)', String(window.medianMs)],
    ['range over all events (ms, median)', `${result.rangeMs} (target <= 1000)`],
    ['range, first request incl. building the cache (ms)', String(range.firstMs)],
    ['trend, one point per session (ms, median)', String(trend.medianMs)],
    ['per-key model (ms, median)', String(keys.medianMs)],
    ['session from raw events, packed / per-row', `${compute.medianMs} / ${computeRows.medianMs} ms = ${result.sessionComputeVsRows} (target <= 1.2)`],
    ['range cache build, packed / per-row', `${rangeFirstPacked} / ${rangeFirstRows} ms = ${result.rangeFirstVsRows} (target <= 1.2)`],
    ['the same after compaction: session / range cache build vs per-row', `${result.sessionComputeCompactedVsRows} / ${result.rangeFirstCompactedVsRows} (${computeCompacted.medianMs} / ${rangeFirstCompacted} ms)`],
    ['events: session / range / sessions', `${seeded.sessionEvents} / ${seeded.rangeEvents} / ${seeded.sessions}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await pool.end();
  await cluster.destroy();
}
