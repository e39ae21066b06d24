import Router from '@koa/router';
import { claimAnonymousSessions } from '../auth/use-cases/anonymous.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { bodyOf } from './body.ts';
import { parseInput } from './validation.ts';
import { claimBody } from '../../shared/api/sessions.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * POST /api/sessions/claim: after signing up or in, the browser hands over the access token
 * it had as an anonymous typist; its sessions move to the account (see the use case). The
 * browser must keep that token (refreshed if need be) before signing in: signing in
 * replaces the refresh cookie.
 */
export function sessionClaimRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/sessions' });
  router.use(translateAuthErrors);

  router.post('/claim', requireUser(deps.tokens), async (ctx) => {
    const accountId = userIdOf(ctx);
    const input = parseInput(claimBody, bodyOf(ctx));
    ctx.body = { movedSessions: await claimAnonymousSessions(deps, accountId, input.anonymousAccessToken) };
  });

  return router;
}
