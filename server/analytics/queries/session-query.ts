import type pg from 'pg';
import type { SessionAnalytics } from '../../../shared/metrics/analytics-types.ts';
import { withBulkPlans } from './bulk-plans.ts';
import { SESSION_ANALYTICS_SQL } from '../sql/session-sql.ts';

export type Queryable = Pick<pg.Pool, 'query'>;

export interface SessionScope {
  /** Window start, microseconds of the session clock (inclusive). */
  fromUs?: number;
  /** Window end (exclusive). */
  toUs?: number;
  fatigueWindowSec: number;
}

/** The session's committed_seq and event_count: what a cached answer was built from. */
export interface Stamp {
  seq: number;
  events: number;
}

type Row = Omit<SessionAnalytics, 'sessionId' | 'window'> & { source_seq: number | null; source_events: number | null };

/** A session's analytics computed in SQL from its stored keystrokes (no ownership check). */
export async function computeSessionAnalytics(pool: pg.Pool, sessionId: string, scope: SessionScope): Promise<{ analytics: SessionAnalytics; stamp: Stamp }> {
  const row = await withBulkPlans(pool, async (client) =>
    (await client.query<Row>(SESSION_ANALYTICS_SQL, [sessionId, scope.fromUs ?? null, scope.toUs ?? null, scope.fatigueWindowSec])).rows[0]!);
  const windowed = scope.fromUs !== undefined || scope.toUs !== undefined;
  const analytics: SessionAnalytics = {
    sessionId,
    window: windowed ? { fromSec: (scope.fromUs ?? 0) / 1e6, toSec: scope.toUs === undefined ? null : scope.toUs / 1e6 } : null,
    summary: row.summary, keys: row.keys, fingers: row.fingers, hands: row.hands, digraphs: row.digraphs,
    digraphClasses: row.digraphClasses, confusion: row.confusion, series: row.series, fatigue: row.fatigue,
  };
  return { analytics, stamp: { seq: row.source_seq ?? 0, events: row.source_events ?? 0 } };
}

/** The cached whole-session answer, if it was built from the events stored now. */
export async function cachedSessionAnalytics(db: Queryable, sessionId: string, fatigueWindowSec: number): Promise<SessionAnalytics | undefined> {
  const { rows } = await db.query<{ analytics: SessionAnalytics }>(
    `SELECT a.analytics FROM session_analytics a JOIN typing_sessions t ON t.id = a.session_id
     WHERE a.session_id = $1 AND a.fatigue_window_sec = $2 AND a.source_seq = t.committed_seq AND a.source_events = t.event_count`,
    [sessionId, fatigueWindowSec],
  );
  return rows[0]?.analytics;
}

/** Keeps a whole-session answer under the stamp it was computed from. */
export async function storeSessionAnalytics(db: Queryable, analytics: SessionAnalytics, stamp: Stamp, fatigueWindowSec: number): Promise<void> {
  await db.query(
    `INSERT INTO session_analytics (session_id, source_seq, source_events, fatigue_window_sec, analytics)
     SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM typing_sessions WHERE id = $1)
     ON CONFLICT (session_id) DO UPDATE SET source_seq = excluded.source_seq, source_events = excluded.source_events,
       fatigue_window_sec = excluded.fatigue_window_sec, analytics = excluded.analytics, computed_at = now()`,
    [analytics.sessionId, stamp.seq, stamp.events, fatigueWindowSec, JSON.stringify(analytics)],
  );
}
