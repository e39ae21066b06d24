import Router from '@koa/router';
import type { DatabaseState } from '../db/health-monitor.ts';

/**
 * GET /health answers exactly what the seed's operators and monitors expect:
 * {"status":"healthy","database":"connected","logging":"configured"} with 200, and
 * "unhealthy"/"disconnected" with 503 while PostgreSQL cannot be reached.
 */
export function healthRouter(databaseState: () => DatabaseState): Router {
  const router = new Router();
  router.get('/health', (ctx) => {
    const database = databaseState();
    ctx.set('Cache-Control', 'no-store');
    ctx.status = database === 'connected' ? 200 : 503;
    ctx.body = { status: database === 'connected' ? 'healthy' : 'unhealthy', database, logging: 'configured' };
  });
  return router;
}
