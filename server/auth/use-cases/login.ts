import type { AuthDeps } from '../auth-deps.ts';
import { AuthError } from '../errors.ts';
import type { Requester } from '../requester.ts';
import { useStepToken } from '../store/step-tokens.ts';
import { findUserByEmail, findUserById } from '../store/users.ts';
import { completeSignIn, type SignedIn } from './sign-in.ts';

/** Step one either signs in or, with 2FA on, hands out a step token for step two. */
export type LoginOutcome = { kind: 'two_factor'; stepToken: string; expiresIn: number } | { kind: 'signed_in'; signIn: SignedIn };

export async function logIn(deps: AuthDeps, input: { email: string; password: string }, from: Requester): Promise<LoginOutcome> {
  const found = await findUserByEmail(deps.pool, input.email);
  const user = found && !found.is_anonymous && found.password_hash ? found : undefined;
  // Known or not, the same throttle and the same bcrypt comparison (against a dummy hash
  // for an unknown email): neither status nor timing tells which emails have accounts.
  const key = deps.signInGuard.keyFor(from, input.email, user?.id);
  await deps.signInGuard.check(from, key, { userId: user?.id, context: 'login', event: 'auth_login_failed' }, () => deps.hasher.verify(input.password, user?.password_hash ?? null), wrongPassword);
  if (!user) throw wrongPassword(); // (verify(null) never passes)
  if (!user.email_verified_at) throw new AuthError('forbidden', 'EMAIL_NOT_VERIFIED', 'confirm your email first; we can send the link again');
  if (await deps.secondFactor.isEnabled(user.id)) {
    // The step token travels in a JSON body (or a cookie), never in a URL, and is good for one sign-in.
    const step = deps.tokens.sign('login-2fa', user.id);
    return { kind: 'two_factor', stepToken: step.token, expiresIn: step.expiresIn };
  }
  await deps.signInGuard.succeeded(key);
  return { kind: 'signed_in', signIn: await completeSignIn(deps, user.id, from) };
}

/**
 * Step two of a login. The step token only says "this password was right a moment ago";
 * it has its own key and audience, so it opens nothing else, and it opens one sign-in at
 * most. Wrong codes count toward the same throttle as wrong passwords.
 */
export async function logInSecondStep(deps: AuthDeps, input: { stepToken: string | undefined; code: string }, from: Requester): Promise<SignedIn> {
  const { log } = deps;
  const step = deps.tokens.verify('login-2fa', input.stepToken);
  if (!step.ok) {
    const expired = step.code === 'TOKEN_EXPIRED';
    log.info({ event: 'auth_2fa_failed', reason: expired ? 'step_token_expired' : 'step_token_invalid', context: 'login', ip: from.ip }, 'two-factor step token refused');
    throw new AuthError('unauthenticated', step.code, expired ? 'the sign-in took too long; enter your password again' : 'sign in with your password first');
  }
  const userId = step.userId;
  const user = await findUserById(deps.pool, userId);
  if (!user?.email) throw new AuthError('unauthenticated', 'TOKEN_INVALID', 'sign in with your password first');
  const guard = deps.signInGuard;
  const key = guard.keyFor(from, user.email, userId);
  await guard.check(from, key, { userId, context: 'login_2fa', event: 'auth_2fa_failed' }, () => deps.secondFactor.verify(userId, input.code),
    () => new AuthError('unauthenticated', 'TWO_FACTOR_INVALID', 'that code is not valid (or was already used)', { fields: { code: 'invalid' } }));
  if (!(await useStepToken(deps.pool, step.tokenId!, step.expiresAt))) {
    log.warn({ event: 'auth_2fa_failed', reason: 'step_token_reused', context: 'login', userId, ip: from.ip }, 'a used two-factor step token was presented again');
    throw new AuthError('unauthenticated', 'TOKEN_INVALID', 'this sign-in was already completed; sign in with your password again');
  }
  await guard.succeeded(key);
  log.info({ event: 'auth_2fa_succeeded', userId, ip: from.ip }, 'second factor accepted');
  return completeSignIn(deps, userId, from);
}

function wrongPassword(): AuthError {
  return new AuthError('unauthenticated', 'INVALID_CREDENTIALS', 'wrong email or password');
}
