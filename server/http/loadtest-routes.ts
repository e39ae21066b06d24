import Router from '@koa/router';
import { createLoadtestSessions, deleteLoadtestUsers, loadtestSessionOwners } from '../db/loadtest-sessions.ts';
import { storedBatches, storedSessionSummaries } from '../db/loadtest-verify.ts';
import { APP_VERSION } from './app-version.ts';
import { bodyOf } from './body.ts';
import { loadtestGuard } from './loadtest-guard.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { loadtestCleanupBody, loadtestSessionsBody, loadtestTicketsBody, loadtestVerifyBody } from '../../shared/api/loadtest.ts';

/**
 * Bulk sessions, tickets, verification and cleanup for load tests, behind the load-test
 * token (loadtest-guard.ts: off unless configured, wrong tokens throttled and logged).
 */
export function loadtestRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/loadtest' });
  router.use(loadtestGuard(deps));

  router.post('/sessions', async (ctx) => {
    const input = parseInput(loadtestSessionsBody, bodyOf(ctx));
    // Retention: whatever earlier runs left behind past its time goes before new rows come.
    const expired = await deleteLoadtestUsers(deps.pool, { expiredBefore: new Date() });
    if (expired.users) deps.log.info({ event: 'loadtest_expired_removed', ...expired }, 'expired load-test typists removed');
    const created = await createLoadtestSessions(deps.pool, input.count, input.mode, { run: input.run, retentionHours: deps.config.loadtest.retentionHours });
    deps.log.info({ event: 'loadtest_sessions_created', count: created.length, run: input.run }, 'load-test sessions created');
    ctx.status = 201;
    ctx.body = { sessions: created.map((s) => ({ ...s, ticket: deps.tickets.sign({ ...s, audience: 'ingest', ttlSeconds: 3600 }) })) };
  });

  router.post('/tickets', async (ctx) => {
    const input = parseInput(loadtestTicketsBody, bodyOf(ctx));
    const owners = await loadtestSessionOwners(deps.pool, input.sessionIds);
    ctx.body = { tickets: owners.map((s) => ({ sessionId: s.sessionId, ticket: deps.tickets.sign({ ...s, audience: 'ingest', ttlSeconds: 3600 }) })) };
  });

  // What is stored, so a load test can prove exactly-once delivery without database access.
  router.post('/verify', async (ctx) => {
    const input = parseInput(loadtestVerifyBody, bodyOf(ctx));
    ctx.body = input.detail
      ? { batches: await storedBatches(deps.pool, input.sessionIds) }
      : { sessions: await storedSessionSummaries(deps.pool, input.sessionIds) };
  });

  router.post('/cleanup', async (ctx) => {
    const input = parseInput(loadtestCleanupBody, bodyOf(ctx));
    const removed = await deleteLoadtestUsers(deps.pool, { run: input.run });
    deps.log.info({ event: 'loadtest_run_removed', run: input.run, ...removed }, 'load-test run removed');
    ctx.body = { removed };
  });

  router.get('/info', (ctx) => {
    ctx.body = { serverVersion: APP_VERSION, ingestUrl: deps.config.ingestPublicUrl, retentionHours: deps.config.loadtest.retentionHours };
  });

  return router;
}
