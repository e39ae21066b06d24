import type { Readable } from 'node:stream';
import type pg from 'pg';
import { refreshSessions } from '../cache/refresh.ts';
import { ownsSession, sessionsInRange } from '../queries/history-query.ts';
import { eventsExportSql, sessionsExportSql, type ExportFormat } from './export-sql.ts';
import { copyOut } from './export-stream.ts';
import { uuidLiteral } from './uuid-literal.ts';

/**
 * Downloads of a user's own data, streamed from PostgreSQL's COPY (never the whole result in
 * memory): their sessions with figures, one session's raw events, or every event. The ids
 * go into the COPY statements only through uuidLiteral. `undefined` means "not the user's
 * session".
 */
export class AnalyticsExports {
  constructor(private readonly pool: pg.Pool) {}

  /** The figures come from the per-session cache, so it is brought up to date first. */
  async sessions(userId: string, format: ExportFormat): Promise<Readable> {
    await refreshSessions(this.pool, await sessionsInRange(this.pool, userId));
    return copyOut(this.pool, sessionsExportSql(uuidLiteral(userId), format), format);
  }

  async sessionEvents(userId: string, sessionId: string, format: ExportFormat): Promise<Readable | undefined> {
    if (!(await ownsSession(this.pool, userId, sessionId))) return undefined;
    return copyOut(this.pool, eventsExportSql({ sessionLiteral: uuidLiteral(sessionId) }, format), format);
  }

  async events(userId: string, format: ExportFormat): Promise<Readable> {
    return copyOut(this.pool, eventsExportSql({ userLiteral: uuidLiteral(userId) }, format), format);
  }
}
