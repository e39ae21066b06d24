import type { AuthDeps } from '../auth-deps.ts';
import { AuthError, accountGone } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { claimAnonymousUser } from '../store/anonymous-claims.ts';
import { findUserById, insertAnonymousUser } from '../store/users.ts';
import { completeSignIn, type SignedIn } from './sign-in.ts';

/**
 * Typing without an account: the anonymous typist is a real user row (users.is_anonymous)
 * signed in like anyone else, so every route works the same for them.
 */
export async function startAnonymous(deps: AuthDeps, from: Requester): Promise<SignedIn> {
  const userId = await insertAnonymousUser(deps.pool);
  deps.log.info({ event: 'anonymous_user_created', userId }, 'anonymous typist created');
  return completeSignIn(deps, userId, from);
}

/**
 * After signing up or in, the browser hands over the access token it had as an anonymous
 * typist; holding that token proves the sessions are the caller's. They move to the
 * account and the anonymous user is deleted. Returns how many sessions moved.
 */
export async function claimAnonymousSessions(deps: AuthDeps, accountId: string, anonymousAccessToken: string): Promise<number> {
  const account = await findUserById(deps.pool, accountId);
  if (!account) throw accountGone();
  if (account.is_anonymous) throw new AuthError('forbidden', 'ACCOUNT_REQUIRED', 'sign up or sign in to an account to keep these sessions');
  // A token that fails here is a problem with the request, not with the caller's own
  // sign-in: `invalid`, so the client does not take it for its own expired access token.
  const anonymous = deps.tokens.verify('access', anonymousAccessToken);
  if (!anonymous.ok) {
    const why = anonymous.code === 'TOKEN_EXPIRED' ? 'has expired; refresh it before signing in' : 'is not a valid access token';
    throw new AuthError('invalid', 'ANONYMOUS_TOKEN_INVALID', `the anonymous access token ${why}`, { fields: { anonymousAccessToken: why } });
  }
  const result = await claimAnonymousUser(deps.pool, anonymous.userId, accountId);
  deps.liveness.forget(anonymous.userId); // its sign-in went with it
  if (!result.ok) {
    if (result.reason === 'not_found') throw new AuthError('not_found', 'ANONYMOUS_USER_NOT_FOUND', 'nothing to claim: these sessions were already claimed');
    if (result.reason === 'not_anonymous') throw new AuthError('invalid', 'NOT_ANONYMOUS', 'the token belongs to an account, not to an anonymous typist', { fields: { anonymousAccessToken: 'belongs to an account' } });
    throw accountGone();
  }
  deps.log.info({ event: 'anonymous_sessions_claimed', userId: accountId, anonymousUserId: anonymous.userId, sessions: result.movedSessions }, 'anonymous sessions claimed');
  return result.movedSessions;
}
