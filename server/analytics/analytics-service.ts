import type pg from 'pg';
import type { KeyModel, PersonalBest, RangeAnalytics, SessionAnalytics, TrendPoint } from '../../shared/metrics/analytics-types.ts';
import { completeSessions, ownsSession, queryBests, queryKeyModel, queryTrend, sessionsInRange } from './queries/history-query.ts';
import { queryRangeAnalytics } from './queries/range-query.ts';
import { queryKeyProgress, type KeyProgressPoint } from './queries/key-progress-sql.ts';
import { refreshSessions } from './cache/refresh.ts';
import { cachedSessionAnalytics, computeSessionAnalytics, storeSessionAnalytics } from './queries/session-query.ts';

/** Fatigue windows of a minute unless asked otherwise: long enough for a stable speed. */
export const DEFAULT_FATIGUE_WINDOW_SEC = 60;

export interface SessionQuery {
  fromSec?: number;
  toSec?: number;
  fatigueWindowSec?: number;
}

/**
 * The analytics use cases, transport-free: who may read what, when the cache is brought
 * up to date, and what is cached. Every figure comes from SQL (sql/, queries/); this
 * layer only decides which statements run. `undefined` means "not the user's session".
 */
export class AnalyticsService {
  constructor(private readonly pool: pg.Pool) {}

  async session(userId: string, sessionId: string, query: SessionQuery): Promise<SessionAnalytics | undefined> {
    if (!(await ownsSession(this.pool, userId, sessionId))) return undefined;
    const fatigueWindowSec = query.fatigueWindowSec ?? DEFAULT_FATIGUE_WINDOW_SEC;
    const whole = query.fromSec === undefined && query.toSec === undefined && fatigueWindowSec === DEFAULT_FATIGUE_WINDOW_SEC;
    if (whole) {
      const cached = await cachedSessionAnalytics(this.pool, sessionId, fatigueWindowSec);
      if (cached) return cached;
    }
    const { analytics, stamp } = await computeSessionAnalytics(this.pool, sessionId, {
      fromUs: query.fromSec === undefined ? undefined : Math.round(query.fromSec * 1e6),
      toUs: query.toSec === undefined ? undefined : Math.round(query.toSec * 1e6),
      fatigueWindowSec,
    });
    if (whole) await storeSessionAnalytics(this.pool, analytics, stamp, fatigueWindowSec).catch(ignoreDeletedSession);
    return analytics;
  }

  /** Sessions started in [from, to), pooled; tests stopped early only when asked for. */
  async range(userId: string, from?: Date, to?: Date, includeIncomplete = false): Promise<RangeAnalytics> {
    const all = await sessionsInRange(this.pool, userId, from, to);
    await this.refresh(all);
    const ids = includeIncomplete ? all : await completeSessions(this.pool, all);
    return queryRangeAnalytics(this.pool, ids, from?.toISOString() ?? null, to?.toISOString() ?? null);
  }

  async trend(userId: string, includeIncomplete = false): Promise<TrendPoint[]> {
    await this.refresh(await sessionsInRange(this.pool, userId));
    return queryTrend(this.pool, userId, includeIncomplete);
  }

  /** Personal bests per mode and length. */
  async bests(userId: string, includeIncomplete = false): Promise<PersonalBest[]> {
    await this.refresh(await sessionsInRange(this.pool, userId));
    return queryBests(this.pool, userId, includeIncomplete);
  }

  async keyModel(userId: string, targetWpm?: number): Promise<KeyModel> {
    await this.refresh(await sessionsInRange(this.pool, userId));
    return queryKeyModel(this.pool, userId, targetWpm);
  }

  /** One letter's speed and accuracy, a point per session that typed it. */
  async keyProgress(userId: string, letter: string): Promise<KeyProgressPoint[]> {
    await this.refresh(await sessionsInRange(this.pool, userId));
    return queryKeyProgress(this.pool, userId, letter);
  }

  private async refresh(ids: readonly string[]): Promise<void> {
    await refreshSessions(this.pool, ids);
  }
}

// The session was deleted between computing and storing its report: nothing to keep.
function ignoreDeletedSession(error: unknown): void {
  if ((error as { code?: string }).code !== '23503') throw error;
}
