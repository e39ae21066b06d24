import type pg from 'pg';
import type { GroupFigures, RangeAnalytics, ScopeSummary } from '../../../shared/metrics/analytics-types.ts';
import type { Hand } from '../../../shared/metrics/fingers.ts';
import type { TimingStats } from '../../../shared/metrics/stats.ts';
import { RANGE_GROUP_COUNTS_SQL, RANGE_PAIRS_SQL, RANGE_TOTALS_SQL, rangeTimingSql } from '../sql/range-sql.ts';

// Sorting a range's values in memory: ~500,000 of them need ~16 MB, and spilling to disk
// doubles the time. Hash joins for the same reason as bulk-plans.ts.
const RANGE_SETTINGS = "SET LOCAL work_mem = '48MB'; SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off";
const METRICS = ['dwell', 'flight', 'transition'] as const;
type Metric = (typeof METRICS)[number];

type Totals = Pick<ScopeSummary, 'durationMs' | 'counts' | 'speed' | 'accuracy' | 'rollover'> & { sessions: number; speed_consistency: number | null };
type CountRow = { level: 'key' | 'finger' | 'hand'; grp: string; finger: number; hand: Hand; finger_name: string; presses: number; chars: number; errors: number; error_rate: number | null };
type TimingRow = { level: 'key' | 'finger' | 'hand' | 'all'; grp: string; stats: TimingStats; consistency: number | null };

const EMPTY: TimingStats = { count: 0, meanMs: null, medianMs: null, p10Ms: null, p90Ms: null, sdMs: null };

/**
 * The figures of a set of sessions whose cache is fresh (refresh.ts), pooled. The six
 * statements are independent and run at once on separate connections (a range over a
 * million events is CPU-bound sorting; this spreads it over the cores); every figure comes
 * from SQL, and this function only puts them in their places.
 */
export async function queryRangeAnalytics(pool: pg.Pool, sessionIds: readonly string[], from: string | null, to: string | null): Promise<RangeAnalytics> {
  const run = async <R extends pg.QueryResultRow>(sql: string): Promise<R[]> => {
    const client = await pool.connect();
    try {
      await client.query(`BEGIN READ ONLY; ${RANGE_SETTINGS}`);
      const { rows } = await client.query<R>(sql, [sessionIds]);
      await client.query('COMMIT');
      return rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const [[totals], counts, pairs, ...timings] = await Promise.all([
    run<Totals>(RANGE_TOTALS_SQL),
    run<CountRow>(RANGE_GROUP_COUNTS_SQL),
    run<Pick<RangeAnalytics, 'digraphs' | 'digraphClasses' | 'confusion'>>(RANGE_PAIRS_SQL),
    ...METRICS.map((m) => run<TimingRow>(rangeTimingSql(`${m}_us`))),
  ]);
  const stats = new Map<string, TimingRow>();
  METRICS.forEach((metric, i) => {
    for (const row of timings[i]!) stats.set(`${metric}:${row.level}:${row.grp}`, row);
  });
  const timing = (metric: Metric, level: TimingRow['level'], grp: string) => stats.get(`${metric}:${level}:${grp}`)?.stats ?? EMPTY;
  const group = (row: CountRow): GroupFigures => ({
    presses: row.presses, characterKeystrokes: row.chars, errors: row.errors, errorRate: row.error_rate,
    dwell: timing('dwell', row.level, row.grp), flight: timing('flight', row.level, row.grp), transition: timing('transition', row.level, row.grp),
  });
  const t = totals!;
  const summary: ScopeSummary = {
    durationMs: t.durationMs, counts: t.counts, speed: t.speed, accuracy: t.accuracy,
    consistency: { speed: t.speed_consistency, keys: stats.get('transition:all:')?.consistency ?? null },
    rollover: t.rollover,
    dwell: timing('dwell', 'all', ''), flight: timing('flight', 'all', ''), transition: timing('transition', 'all', ''),
  };
  return {
    from, to, sessions: t.sessions, summary,
    keys: counts.filter((r) => r.level === 'key').map((r) => ({ code: r.grp, finger: r.finger, ...group(r) })),
    fingers: counts.filter((r) => r.level === 'finger').map((r) => ({ finger: r.finger, name: r.finger_name, hand: r.hand, ...group(r) })),
    hands: counts.filter((r) => r.level === 'hand').map((r) => ({ hand: r.grp as Hand, ...group(r) })),
    digraphs: pairs[0]!.digraphs, digraphClasses: pairs[0]!.digraphClasses, confusion: pairs[0]!.confusion,
  };
}
