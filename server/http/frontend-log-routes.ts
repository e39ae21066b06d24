import Router from '@koa/router';
import { bodyOf } from './body.ts';
import { clientIp } from './client-ip.ts';
import { optionalUserId } from './optional-user.ts';
import { rateLimit, type RateRule } from './rate-limit.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { BROWSER_LOG_LEVELS, logBody } from '../../shared/api/system.ts';

// A page in an error loop reports once a second at most; its next requests are refused,
// not written, so one broken browser cannot flood the log.
const LOG_RULE: RateRule = { name: 'frontend_logs', limit: 60, windowMs: 60_000 };

/** Browser console levels, written at the nearest level of our logger. */
const LEVELS = { debug: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error' } as const satisfies Record<(typeof BROWSER_LOG_LEVELS)[number], string>;

/**
 * POST /api/system/logs: the browser's log lines, written to our log so that a typist's
 * "it froze" can be matched with what their page saw. Public (a page logs before sign-in
 * too), limited per client IP; the user is named when the request carries a valid token.
 * Each line keeps the browser's own fields under `context`, so they cannot pass for ours.
 */
export function frontendLogRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/system' });
  const ip = (ctx: Parameters<typeof clientIp>[0]) => clientIp(ctx, deps.trustedProxies);

  router.post('/logs', rateLimit(deps.limiter, LOG_RULE, deps.log, ip, deps.config.security.authRateLimit), async (ctx) => {
    const { entries } = parseInput(logBody, bodyOf(ctx));
    const userId = optionalUserId(ctx, deps.tokens);
    const userAgent = ctx.get('user-agent').slice(0, 300) || undefined;
    for (const line of entries) {
      deps.log[LEVELS[line.level]]({ event: 'frontend_log', source: 'frontend', userId, userAgent, clientTime: line.at, context: line.context }, line.message);
    }
    ctx.status = 202;
    ctx.body = { accepted: entries.length };
  });

  return router;
}
