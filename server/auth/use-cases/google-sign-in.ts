import { randomBytes } from 'node:crypto';
import { securityNoticeMail } from '../../email/templates.ts';
import type { AuthDeps } from '../auth-deps.ts';
import { accountGone } from '../errors.ts';
import type { GoogleOAuth } from '../oauth-google.ts';
import { OAuthFailure } from '../oauth-failure.ts';
import { newAuthorizationSecrets } from '../oauth-flow.ts';
import type { Requester } from '../requester.ts';
import { hashToken } from '../secrets.ts';
import { findOrCreateOAuthAccount, linkOAuthIdentity } from '../store/oauth-accounts.ts';
import { consumeOAuthState, saveOAuthState } from '../store/oauth-states.ts';
import { findUserById } from '../store/users.ts';
import { decryptSecret, encryptSecret } from '../totp-crypto.ts';
import { reauthenticate } from './reauthenticate.ts';

export const PROVIDER = 'google';
export const STATE_MINUTES = 10;
const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Where to send the browser, and the secret that binds the flow to it (the caller keeps it in a cookie). */
export interface FlowStart {
  authorizationUrl: string;
  binding: string;
}

/** Records a flow in flight (one-time state, PKCE verifier, nonce), bound to this browser's `binding`. */
export async function beginGoogleFlow(deps: AuthDeps, client: GoogleOAuth, existingBinding: string | undefined, linkUserId?: string): Promise<FlowStart> {
  const secrets = newAuthorizationSecrets();
  // Reusing a live binding keeps a flow started in another tab valid.
  const binding = existingBinding && BINDING_FORMAT.test(existingBinding) ? existingBinding : randomBytes(32).toString('base64url');
  const authorizationUrl = await client.authorizationUrl(secrets);
  await saveOAuthState(deps.pool, {
    provider: PROVIDER, stateHash: hashToken(secrets.state), browserHash: hashToken(binding), nonceHash: hashToken(secrets.nonce),
    codeVerifierEncrypted: encryptSecret(deps.keys.key('oauth-state'), secrets.codeVerifier), ttlMinutes: STATE_MINUTES, linkUserId,
  });
  return { authorizationUrl, binding };
}

/**
 * Linking Google to the signed-in account. The password (and code) first: an access token
 * alone must not be able to add a way in. An anonymous typist has no password; linking
 * makes them an account with Google's verified address.
 */
export async function startGoogleLink(deps: AuthDeps, client: GoogleOAuth, userId: string, input: { password?: string; code?: string }, binding: string | undefined, from: Requester): Promise<FlowStart> {
  const user = await findUserById(deps.pool, userId);
  if (!user) throw accountGone();
  if (!user.is_anonymous) await reauthenticate(deps, userId, input, 'google_link', from);
  deps.log.info({ event: 'oauth_link_started', provider: PROVIDER, userId, ip: from.ip }, 'linking Google started');
  return beginGoogleFlow(deps, client, binding, userId);
}

export type GoogleOutcome = { kind: 'signed_in'; userId: string } | { kind: 'two_factor'; userId: string; stepToken: string; expiresIn: number };

/**
 * The provider's answer: checks the state against this browser's binding, exchanges the
 * code, verifies the ID token, then links the identity (a link flow) or finds or creates
 * the account. Every refusal throws OAuthFailure.
 */
export async function finishGoogleFlow(deps: AuthDeps, client: GoogleOAuth, callback: { error?: string; state?: string; code?: string; binding?: string }, from: Requester): Promise<GoogleOutcome> {
  const { log, pool, keys } = deps;
  if (callback.error) throw new OAuthFailure('OAUTH_DENIED', `provider_error: ${callback.error.slice(0, 100)}`);
  const { state, code, binding } = callback;
  if (!state) throw new OAuthFailure('OAUTH_STATE_INVALID', 'state_missing');
  if (!code) throw new OAuthFailure('OAUTH_PROVIDER_ERROR', 'code_missing');
  if (!binding) throw new OAuthFailure('OAUTH_STATE_INVALID', 'browser_binding_missing');
  const stored = await consumeOAuthState(pool, PROVIDER, hashToken(state), hashToken(binding));
  if (!stored.ok) throw new OAuthFailure(stored.reason === 'state_expired' ? 'OAUTH_STATE_EXPIRED' : 'OAUTH_STATE_INVALID', stored.reason);
  const idToken = await client.exchangeCode(code, decryptSecret(keys.key('oauth-state'), stored.codeVerifierEncrypted));
  const identity = await client.verifyIdToken(idToken, stored.nonceHash);
  const verified = { provider: PROVIDER, subject: identity.subject, email: identity.email, displayName: identity.name };
  if (stored.linkUserId) {
    const linked = await linkOAuthIdentity(pool, stored.linkUserId, verified);
    deps.liveness.forget(stored.linkUserId);
    if (!linked.ok) {
      if (linked.reason === 'account_gone') throw new OAuthFailure('OAUTH_FAILED', 'link_account_gone');
      throw new OAuthFailure(linked.reason === 'identity_taken' ? 'OAUTH_IDENTITY_TAKEN' : 'OAUTH_EMAIL_TAKEN', linked.reason);
    }
    log.info({ event: 'oauth_linked', provider: PROVIDER, userId: stored.linkUserId, devicesSignedOut: linked.devicesSignedOut, ip: from.ip }, 'Google linked; every other sign-in ended');
    const owner = await findUserById(pool, stored.linkUserId);
    if (owner?.email) await deps.mailer.send(securityNoticeMail(owner.email, 'sign-in with Google was linked to the account and every device signed out'));
    return { kind: 'signed_in', userId: stored.linkUserId };
  }
  const account = await findOrCreateOAuthAccount(pool, verified);
  if (account.kind === 'exists') throw new OAuthFailure('OAUTH_ACCOUNT_EXISTS', 'email_matches_existing_account');
  log.info({ event: 'oauth_signed_in', provider: PROVIDER, userId: account.userId, outcome: account.kind, ip: from.ip, ...(account.kind === 'created' ? { replacedUnproven: account.replacedUnproven } : {}) }, 'provider identity accepted');
  if (await deps.secondFactor.isEnabled(account.userId)) {
    const step = deps.tokens.sign('login-2fa', account.userId);
    log.info({ event: 'auth_2fa_required', userId: account.userId, method: PROVIDER }, 'second factor required');
    return { kind: 'two_factor', userId: account.userId, stepToken: step.token, expiresIn: step.expiresIn };
  }
  return { kind: 'signed_in', userId: account.userId };
}
