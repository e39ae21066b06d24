import Router from '@koa/router';
import { AnalyticsService } from '../analytics/index.ts';
import { historyQuery, keyModelQuery, letterParam, noQuery, rangeQuery, sessionAnalyticsQuery } from '../../shared/api/analytics.ts';
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
  // Own pool, own timeout, turns per user (AnalyticsGate): issue 15.
  const service = new AnalyticsService(deps.analyticsPool);
  const gate = deps.analyticsGate;
  const signedIn = requireUser(deps.tokens);

  router.get('/sessions/:id/analytics', signedIn, async (ctx) => {
    const id = sessionIdOf(ctx);
    const query = parseInput(sessionAnalyticsQuery, ctx.query);
    const userId = userIdOf(ctx);
    const analytics = await gate.run(userId, 'session', () => service.session(userId, id, { fromSec: query.from, toSec: query.to, fatigueWindowSec: query.fatigueWindowSec }));
    if (!analytics) throw sessionNotFound();
    ctx.body = { analytics };
  });

  router.get('/analytics', signedIn, async (ctx) => {
    const query = parseInput(rangeQuery, ctx.query);
    const userId = userIdOf(ctx);
    ctx.body = { analytics: await gate.run(userId, 'range', () => service.range(userId, query.from, query.to, query.includeIncomplete)) };
  });

  router.get('/analytics/trend', signedIn, async (ctx) => {
    const query = parseInput(historyQuery, ctx.query);
    const userId = userIdOf(ctx);
    ctx.body = { trend: await gate.run(userId, 'trend', () => service.trend(userId, query.includeIncomplete)) };
  });

  router.get('/analytics/bests', signedIn, async (ctx) => {
    const query = parseInput(historyQuery, ctx.query);
    const userId = userIdOf(ctx);
    ctx.body = { bests: await gate.run(userId, 'bests', () => service.bests(userId, query.includeIncomplete)) };
  });

  router.get('/analytics/keys', signedIn, async (ctx) => {
    const query = parseInput(keyModelQuery, ctx.query);
    const userId = userIdOf(ctx);
    ctx.body = { model: await gate.run(userId, 'keys', () => service.keyModel(userId, query.targetWpm)) };
  });

  // One letter over time: the per-key progress chart (a letter as the per-key model names it).
  router.get('/analytics/keys/:letter', signedIn, async (ctx) => {
    parseInput(noQuery, ctx.query);
    const { letter } = parseInput(letterParam, ctx.params);
    const userId = userIdOf(ctx);
    ctx.body = { letter, points: await gate.run(userId, 'key-progress', () => service.keyProgress(userId, letter)) };
  });

  return router;
}
