import Router from '@koa/router';
import { startAnonymous } from '../auth/use-cases/anonymous.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { clientIp } from './client-ip.ts';
import { rateLimit, type RateRule } from './rate-limit.ts';
import { requester } from './requester.ts';
import { answerSignIn } from './sign-in.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

// Each call creates a user row and a refresh token: enough for a classroom behind one NAT
// address, too few to fill the users table from one machine.
const ANONYMOUS_RULE: RateRule = { name: 'anonymous', limit: 20, windowMs: 60 * 60_000 };

/**
 * POST /api/anonymous: type without an account. The anonymous typist is a real user row
 * (users.is_anonymous) signed in like anyone else (access token, refresh cookie), so every
 * route works the same for them; signing up later claims their sessions.
 */
export function anonymousRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/anonymous' });
  const ip = (ctx: Parameters<typeof clientIp>[0]) => clientIp(ctx, deps.trustedProxies);
  router.use(translateAuthErrors);

  router.post('/', rateLimit(deps.limiter, ANONYMOUS_RULE, deps.log, ip, deps.config.security.authRateLimit), async (ctx) => {
    answerSignIn(ctx, deps, await startAnonymous(deps, requester(ctx, deps)));
    ctx.status = 201;
  });

  return router;
}
