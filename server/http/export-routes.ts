import Router from '@koa/router';
import type { Context } from 'koa';
import { AnalyticsService } from '../analytics/analytics-service.ts';
import { eventsExportSql, sessionsExportSql, type ExportFormat } from '../db/analytics/export-sql.ts';
import { copyOut } from '../db/analytics/export-stream.ts';
import { noQuery } from '../../shared/api/analytics.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { sessionIdOf, sessionNotFound } from './session-params.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { parseInput } from './validation.ts';

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/**
 * Downloads of the caller's own data, streamed straight from PostgreSQL's COPY (never the
 * whole result in memory): sessions with their figures, one session's raw events, or every
 * event. CSV has a header row; JSON is one array.
 */
export function exportRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/export' });
  const service = new AnalyticsService(deps.pool);
  const signedIn = requireUser(deps.tokens);

  const send = async (ctx: Context, format: ExportFormat, filename: string, build: Parameters<typeof copyOut>[1]) => {
    ctx.set('Content-Type', CONTENT_TYPES[format]);
    ctx.set('Content-Disposition', `attachment; filename="${filename}.${format}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await copyOut(deps.pool, build, format);
  };

  for (const format of ['csv', 'json'] as const) {
    router.get(`/sessions.${format}`, signedIn, async (ctx) => {
      parseInput(noQuery, ctx.query);
      const userId = userIdOf(ctx);
      await service.refreshUser(userId);
      await send(ctx, format, 'fingerflow-sessions', (client) => sessionsExportSql(client.escapeLiteral(userId), format));
    });

    router.get(`/sessions/:id/events.${format}`, signedIn, async (ctx) => {
      const id = sessionIdOf(ctx);
      parseInput(noQuery, ctx.query);
      if (!(await service.ownsSession(userIdOf(ctx), id))) throw sessionNotFound();
      await send(ctx, format, `fingerflow-session-${id}`, (client) => eventsExportSql({ sessionLiteral: client.escapeLiteral(id) }, format));
    });

    router.get(`/events.${format}`, signedIn, async (ctx) => {
      parseInput(noQuery, ctx.query);
      const userId = userIdOf(ctx);
      await send(ctx, format, 'fingerflow-events', (client) => eventsExportSql({ userLiteral: client.escapeLiteral(userId) }, format));
    });
  }

  return router;
}
