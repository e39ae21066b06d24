import Router from '@koa/router';
import { AnalyticsService } from '../analytics/analytics-service.ts';
import { historyQuery, keyModelQuery, rangeQuery, sessionAnalyticsQuery } from './analytics-input.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { sessionIdOf, sessionNotFound } from './session-params.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { parseInput } from './validation.ts';

/**
 * The analytics API (shapes in shared/metrics/METRICS.md): one session or a window of it,
 * a date range of the caller's sessions, the trend over every session, and the per-key
 * model. A session that is not the caller's is the same 404 as one that does not exist.
 */
export function analyticsRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api' });
  const service = new AnalyticsService(deps.pool);
  const signedIn = requireUser(deps.tokens);

  router.get('/sessions/:id/analytics', signedIn, async (ctx) => {
    const id = sessionIdOf(ctx);
    const query = parseInput(sessionAnalyticsQuery, ctx.query);
    const analytics = await service.session(userIdOf(ctx), id, { fromSec: query.from, toSec: query.to, fatigueWindowSec: query.fatigueWindowSec });
    if (!analytics) throw sessionNotFound();
    ctx.body = { analytics };
  });

  router.get('/analytics', signedIn, async (ctx) => {
    const query = parseInput(rangeQuery, ctx.query);
    ctx.body = { analytics: await service.range(userIdOf(ctx), query.from, query.to, query.includeIncomplete) };
  });

  router.get('/analytics/trend', signedIn, async (ctx) => {
    const query = parseInput(historyQuery, ctx.query);
    ctx.body = { trend: await service.trend(userIdOf(ctx), query.includeIncomplete) };
  });

  router.get('/analytics/bests', signedIn, async (ctx) => {
    const query = parseInput(historyQuery, ctx.query);
    ctx.body = { bests: await service.bests(userIdOf(ctx), query.includeIncomplete) };
  });

  router.get('/analytics/keys', signedIn, async (ctx) => {
    const query = parseInput(keyModelQuery, ctx.query);
    ctx.body = { model: await service.keyModel(userIdOf(ctx), query.targetWpm) };
  });

  return router;
}
