import Router from '@koa/router';
import { z } from 'zod';
import { createLoadtestSessions, loadtestSessionOwners } from '../db/loadtest-sessions.ts';
import { safeEqual } from '../auth/secrets.ts';
import { bodyOf } from './body.ts';
import { HttpError } from './errors.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

const MAX_PER_REQUEST = 1000;

/**
 * Bulk sessions and tickets for load tests, off unless LOADTEST_TOKEN is set; then the
 * caller must send it in X-Loadtest-Token. While off, the routes do not exist (404), so a
 * production deployment shows nothing of them.
 */
export function loadtestRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/loadtest' });
  const expected = deps.config.loadtestToken;

  router.use(async (ctx, next) => {
    if (!expected) throw new HttpError(404, 'NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    if (!safeEqual(ctx.get('x-loadtest-token'), expected)) throw new HttpError(403, 'LOADTEST_TOKEN_INVALID', 'a valid X-Loadtest-Token header is required');
    await next();
  });

  router.post('/sessions', async (ctx) => {
    const input = parseInput(z.object({ count: z.int().min(1).max(MAX_PER_REQUEST), mode: z.enum(['timed', 'words', 'quote', 'custom', 'zen']).default('timed') }), bodyOf(ctx));
    const created = await createLoadtestSessions(deps.pool, input.count, input.mode);
    deps.log.info({ event: 'loadtest_sessions_created', count: created.length }, 'load-test sessions created');
    ctx.status = 201;
    ctx.body = { sessions: created.map((s) => ({ ...s, ticket: deps.tickets.sign({ ...s, audience: 'ingest', ttlSeconds: 3600 }) })) };
  });

  router.post('/tickets', async (ctx) => {
    const input = parseInput(z.object({ sessionIds: z.array(z.uuid()).min(1).max(MAX_PER_REQUEST) }), bodyOf(ctx));
    const owners = await loadtestSessionOwners(deps.pool, input.sessionIds);
    ctx.body = { tickets: owners.map((s) => ({ sessionId: s.sessionId, ticket: deps.tickets.sign({ ...s, audience: 'ingest', ttlSeconds: 3600 }) })) };
  });

  return router;
}
