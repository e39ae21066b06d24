import type pg from 'pg';
import type { KeyModel, PersonalBest, TrendPoint } from '../../../shared/metrics/analytics-types.ts';
import { DEFAULT_TARGET_WPM, KEY_MODEL_ALPHA } from '../../../shared/metrics/learning.ts';
import { CHARS_PER_WORD } from '../../../shared/metrics/speed.ts';
import { BESTS_SQL, COMPLETE_SESSIONS_SQL, KEY_MODEL_SQL, OWNS_SESSION_SQL, SESSIONS_IN_RANGE_SQL, TREND_SQL } from '../sql/history-sql.ts';

export type Queryable = Pick<pg.Pool, 'query'>;

export async function ownsSession(db: Queryable, userId: string, sessionId: string): Promise<boolean> {
  return (await db.query(OWNS_SESSION_SQL, [sessionId, userId])).rowCount === 1;
}

/** The user's sessions started in [from, to), oldest first; open bounds when undefined. */
export async function sessionsInRange(db: Queryable, userId: string, from?: Date, to?: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(SESSIONS_IN_RANGE_SQL, [userId, from ?? null, to ?? null]);
  return rows.map((r) => r.id);
}

/** One point per session with a fresh cache (refresh first), oldest first; stopped tests only when asked. */
export async function queryTrend(db: Queryable, userId: string, includeIncomplete = false): Promise<TrendPoint[]> {
  return (await db.query<{ points: TrendPoint[] }>(TREND_SQL, [userId, includeIncomplete])).rows[0]!.points;
}

/** Of these sessions (cache fresh), the ones that ran to their end, order kept. */
export async function completeSessions(db: Queryable, ids: readonly string[]): Promise<string[]> {
  return (await db.query<{ id: string }>(COMPLETE_SESSIONS_SQL, [ids])).rows.map((r) => r.id);
}

/** Personal bests per mode and length (refresh first). */
export async function queryBests(db: Queryable, userId: string, includeIncomplete = false): Promise<PersonalBest[]> {
  return (await db.query<{ bests: PersonalBest[] }>(BESTS_SQL, [userId, includeIncomplete])).rows[0]!.bests;
}

/** The per-key model over every session of the user with a fresh cache. */
export async function queryKeyModel(db: Queryable, userId: string, targetWpm = DEFAULT_TARGET_WPM): Promise<KeyModel> {
  const targetMs = 60_000 / (targetWpm * CHARS_PER_WORD);
  const { rows } = await db.query<{ keys: KeyModel['keys'] }>(KEY_MODEL_SQL, [userId, KEY_MODEL_ALPHA, targetMs]);
  return { targetWpm, targetMs, alpha: KEY_MODEL_ALPHA, keys: rows[0]!.keys };
}
