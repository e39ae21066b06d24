import Router from '@koa/router';
import { z } from 'zod';
import { bodyOf } from './body.ts';
import { clientIp } from './client-ip.ts';
import { optionalUserId } from './optional-user.ts';
import { rateLimit, type RateRule } from './rate-limit.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

// A page in an error loop reports once a second at most; its next requests are refused,
// not written, so one broken browser cannot flood the log.
const LOG_RULE: RateRule = { name: 'frontend_logs', limit: 60, windowMs: 60_000 };
const CONTEXT_MAX_BYTES = 4096;

/** Browser console levels, written at the nearest level of our logger. */
const LEVELS = { debug: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error' } as const;
const BROWSER_LEVELS = ['debug', 'log', 'info', 'warn', 'error'] as const satisfies ReadonlyArray<keyof typeof LEVELS>;

// Not strict, unlike the rest of the API: a newer page that adds a field to its log lines
// must not lose them to an older server. Unknown keys of an entry are dropped.
const entry = z.object({
  level: z.enum(BROWSER_LEVELS),
  message: z.string().max(2000),
  context: z
    .unknown()
    .refine((c) => typeof c === 'object' && c !== null && !Array.isArray(c), 'must be an object')
    .refine((c) => Buffer.byteLength(JSON.stringify(c)) <= CONTEXT_MAX_BYTES, `must be at most ${CONTEXT_MAX_BYTES} bytes as JSON`)
    .optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

const logInput = z.object({ entries: z.array(entry).min(1).max(50) }).strict();

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
    const { entries } = parseInput(logInput, bodyOf(ctx));
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
