import Router from '@koa/router';
import type { Context } from 'koa';
import type { Readable } from 'node:stream';
import { AnalyticsExports, type ExportFormat } from '../analytics/index.ts';
import { noQuery } from '../../shared/api/analytics.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { sessionIdOf, sessionNotFound } from './session-params.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { parseInput } from './validation.ts';

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/**
 * Downloads of the caller's own data (AnalyticsExports streams them from COPY): sessions
 * with their figures, one session's raw events, or every event. CSV has a header row; JSON
 * is one array.
 */
export function exportRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/export' });
  const exports = new AnalyticsExports(deps.pool);
  const signedIn = requireUser(deps.tokens);

  const send = (ctx: Context, format: ExportFormat, filename: string, body: Readable) => {
    ctx.set('Content-Type', CONTENT_TYPES[format]);
    ctx.set('Content-Disposition', `attachment; filename="${filename}.${format}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };

  for (const format of ['csv', 'json'] as const) {
    router.get(`/sessions.${format}`, signedIn, async (ctx) => {
      parseInput(noQuery, ctx.query);
      send(ctx, format, 'fingerflow-sessions', await exports.sessions(userIdOf(ctx), format));
    });

    router.get(`/sessions/:id/events.${format}`, signedIn, async (ctx) => {
      const id = sessionIdOf(ctx);
      parseInput(noQuery, ctx.query);
      const events = await exports.sessionEvents(userIdOf(ctx), id, format);
      if (!events) throw sessionNotFound();
      send(ctx, format, `fingerflow-session-${id}`, events);
    });

    router.get(`/events.${format}`, signedIn, async (ctx) => {
      parseInput(noQuery, ctx.query);
      send(ctx, format, 'fingerflow-events', await exports.events(userIdOf(ctx), format));
    });
  }

  return router;
}
