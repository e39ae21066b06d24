import { accountExistsMail, verificationMail } from '../../email/templates.ts';
import { mailedLink, type AuthDeps } from '../auth-deps.ts';
import { linkError, weakPassword } from '../errors.ts';
import { passwordProblem } from '../passwords.ts';
import type { Requester } from '../requester.ts';
import { consumeOneTimeToken, createOneTimeToken, revokeOneTimeTokens } from '../store/one-time-tokens.ts';
import { findUserByEmail, insertUser, markEmailVerified } from '../store/users.ts';

const VERIFY_MINUTES = 24 * 60;

/**
 * The same outcome, the same bcrypt work and no mail-server wait whether or not the address
 * has an account: a taken address is not revealed to the caller; its owner gets a mail.
 */
export async function register(deps: AuthDeps, input: { email: string; password: string; displayName?: string }, from: Requester): Promise<void> {
  const { log, config, pool } = deps;
  const weak = passwordProblem(input.password, input.email);
  if (weak) throw weakPassword(weak, 'password');
  const user = await insertUser(pool, { email: input.email, passwordHash: await deps.hasher.hash(input.password), displayName: input.displayName });
  if (user) {
    await sendVerification(deps, user.id, input.email);
    log.info({ event: 'auth_registered', userId: user.id, ip: from.ip }, 'account registered');
  } else {
    const owner = await findUserByEmail(pool, input.email);
    if (owner?.email) await deps.mailer.send(accountExistsMail(owner.email, `${config.publicUrl}/login`, `${config.publicUrl}/forgot`));
    log.info({ event: 'auth_register_existing_email', userId: owner?.id, ip: from.ip }, 'registration for an address that has an account: its owner was mailed');
  }
}

export async function verifyEmail(deps: AuthDeps, token: string): Promise<void> {
  const result = await consumeOneTimeToken(deps.pool, token, 'email_verification');
  if (!result.ok) throw linkError(result.code, 'verification');
  await markEmailVerified(deps.pool, result.userId);
  deps.log.info({ event: 'auth_email_verified', userId: result.userId }, 'email verified');
}

/** Does the same whether or not the email has an account, so the caller learns nothing. */
export async function resendVerification(deps: AuthDeps, email: string): Promise<void> {
  const user = await findUserByEmail(deps.pool, email);
  if (user?.email && !user.email_verified_at) await sendVerification(deps, user.id, user.email);
}

async function sendVerification(deps: AuthDeps, userId: string, to: string): Promise<void> {
  await revokeOneTimeTokens(deps.pool, userId, 'email_verification');
  const value = await createOneTimeToken(deps.pool, { userId, purpose: 'email_verification', ttlMinutes: VERIFY_MINUTES, email: to });
  await deps.mailer.send(verificationMail(to, mailedLink(deps, 'verify', value)));
}
