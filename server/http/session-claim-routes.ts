import Router from '@koa/router';
import { claimAnonymousUser } from '../db/anonymous-claims.ts';
import { findUserById } from '../db/users.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { HttpError } from './errors.ts';
import { parseInput } from './validation.ts';
import { claimBody } from '../../shared/api/sessions.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * POST /api/sessions/claim: after signing up or in, the browser hands over the access token
 * it had as an anonymous typist; holding that token proves the sessions are the caller's.
 * They move to the account and the anonymous user is deleted. The browser must keep that
 * token (refreshed if need be) before signing in: signing in replaces the refresh cookie.
 */
export function sessionClaimRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/sessions' });

  router.post('/claim', requireUser(deps.tokens), async (ctx) => {
    const accountId = userIdOf(ctx);
    const input = parseInput(claimBody, bodyOf(ctx));
    const account = await findUserById(deps.pool, accountId);
    if (!account) throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    if (account.is_anonymous) throw new HttpError(403, 'ACCOUNT_REQUIRED', 'sign up or sign in to an account to keep these sessions');
    // A token that fails here is a problem with the request, not with the caller's own
    // sign-in: a 400, so the client does not take it for its own expired access token.
    const anonymous = deps.tokens.verify('access', input.anonymousAccessToken);
    if (!anonymous.ok) {
      const why = anonymous.code === 'TOKEN_EXPIRED' ? 'has expired; refresh it before signing in' : 'is not a valid access token';
      throw new HttpError(400, 'ANONYMOUS_TOKEN_INVALID', `the anonymous access token ${why}`, { fields: { anonymousAccessToken: why } });
    }
    const result = await claimAnonymousUser(deps.pool, anonymous.userId, accountId);
    deps.liveness.forget(anonymous.userId); // its sign-in went with it
    if (!result.ok) {
      if (result.reason === 'not_found') throw new HttpError(404, 'ANONYMOUS_USER_NOT_FOUND', 'nothing to claim: these sessions were already claimed');
      if (result.reason === 'not_anonymous') throw new HttpError(400, 'NOT_ANONYMOUS', 'the token belongs to an account, not to an anonymous typist', { fields: { anonymousAccessToken: 'belongs to an account' } });
      throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    }
    deps.log.info({ event: 'anonymous_sessions_claimed', userId: accountId, anonymousUserId: anonymous.userId, sessions: result.movedSessions }, 'anonymous sessions claimed');
    ctx.body = { movedSessions: result.movedSessions };
  });

  return router;
}
