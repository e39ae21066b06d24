import type pg from 'pg';

export interface SessionQuotaLimits {
  anonymousSessionsPerHour: number;
  openSessionsPerUser: number;
  eventsPerUserPerDay: number;
}

export type QuotaRefusal = { code: 'SESSION_QUOTA_EXCEEDED' | 'TOO_MANY_OPEN_SESSIONS' | 'EVENT_QUOTA_EXCEEDED'; message: string };

/**
 * Whether the user may create another session (issue 15): anonymous typists at most
 * `anonymousSessionsPerHour` an hour, anyone at most `openSessionsPerUser` not yet ended,
 * and nobody past the daily event quota that ingest also enforces. One statement over the
 * user's (user_id, started_at) index; a race may let a few more through, which the
 * generous limits absorb.
 */
export async function sessionQuotaRefusal(db: Pick<pg.Pool, 'query'>, userId: string, limits: SessionQuotaLimits): Promise<QuotaRefusal | null> {
  const { rows } = await db.query<{ anonymous: boolean; open: number; last_hour: number; events_today: number }>(
    `SELECT u.is_anonymous AS anonymous,
            count(s.id) FILTER (WHERE s.ended_at IS NULL) AS open,
            count(s.id) FILTER (WHERE s.started_at > now() - interval '1 hour') AS last_hour,
            coalesce(sum(s.event_count) FILTER (WHERE s.started_at > now() - interval '1 day'), 0) AS events_today
     FROM users u LEFT JOIN typing_sessions s ON s.user_id = u.id WHERE u.id = $1 GROUP BY u.id`,
    [userId],
  );
  const row = rows[0];
  if (!row) return null; // the route reports a deleted account its own way
  if (row.anonymous && Number(row.last_hour) >= limits.anonymousSessionsPerHour) {
    return { code: 'SESSION_QUOTA_EXCEEDED', message: `an anonymous typist may start at most ${limits.anonymousSessionsPerHour} sessions an hour; sign up, or try again later` };
  }
  if (Number(row.open) >= limits.openSessionsPerUser) {
    return { code: 'TOO_MANY_OPEN_SESSIONS', message: `at most ${limits.openSessionsPerUser} sessions may be open at once; end or delete some first` };
  }
  if (Number(row.events_today) >= limits.eventsPerUserPerDay) {
    return { code: 'EVENT_QUOTA_EXCEEDED', message: 'this account stored as many keystrokes today as the server allows; try again tomorrow' };
  }
  return null;
}
