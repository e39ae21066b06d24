import Router from '@koa/router';
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';
import { GoogleOAuth } from '../auth/oauth-google.ts';
import { OAuthFailure } from '../auth/oauth-failure.ts';
import { newAuthorizationSecrets } from '../auth/oauth-flow.ts';
import { hashToken } from '../auth/secrets.ts';
import { decryptSecret, encryptSecret } from '../auth/totp-crypto.ts';
import { findOrCreateOAuthAccount } from '../db/oauth-accounts.ts';
import { consumeOAuthState, saveOAuthState } from '../db/oauth-states.ts';
import { readCookie, setCookie } from './cookies.ts';
import { HttpError } from './errors.ts';
import { completeRedirectSignIn } from './redirect-sign-in.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

const PROVIDER = 'google';
const STATE_MINUTES = 10;
// Binds the state to the browser that started the flow. SameSite=Lax, because it must come
// back with the provider's cross-site redirect; `__Host-` (Secure, Path=/, no Domain), so a
// sibling subdomain cannot plant a value of its own (login CSRF by cookie tossing).
const BINDING_COOKIE = '__Host-ff_oauth';
const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sign in with Google: GET /auth/google/start sends the browser to the provider with a
 * one-time state, PKCE challenge and nonce; GET /auth/google/callback checks the state
 * against this browser, exchanges the code, verifies the ID token and signs in (or sends a
 * 2FA account to the second step). Every failure is a redirect to /login?error=CODE.
 */
export function googleOAuthRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth/google' });
  const { config, log, pool, keys } = deps;
  const { clientId, clientSecret, issuerUrl } = config.google;
  const google = clientId && clientSecret ? new GoogleOAuth({ issuerUrl, clientId, clientSecret, redirectUri: `${config.publicUrl}/auth/google/callback` }) : undefined;
  const configured = (): GoogleOAuth => {
    if (google) return google;
    throw new HttpError(501, 'OAUTH_NOT_CONFIGURED', 'Google sign-in is not set up on this server (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)');
  };
  const fail = (ctx: Context, error: unknown) => {
    const failure = error instanceof OAuthFailure ? error : undefined;
    const code = failure?.code ?? 'OAUTH_FAILED';
    const entry = { event: 'oauth_failed', provider: PROVIDER, code, reason: failure?.reason ?? 'internal_error' };
    if (failure) log.warn(entry, 'sign-in with Google failed');
    else log.error({ ...entry, err: error }, 'sign-in with Google failed');
    ctx.redirect(`${config.publicUrl}/login?error=${code}`);
  };

  router.get('/start', async (ctx) => {
    const client = configured();
    try {
      const secrets = newAuthorizationSecrets();
      const existing = readCookie(ctx, BINDING_COOKIE);
      // Reusing a live binding keeps a flow started in another tab valid.
      const binding = existing && BINDING_FORMAT.test(existing) ? existing : randomBytes(32).toString('base64url');
      const url = await client.authorizationUrl(secrets);
      await saveOAuthState(pool, {
        provider: PROVIDER, stateHash: hashToken(secrets.state), browserHash: hashToken(binding), nonceHash: hashToken(secrets.nonce),
        codeVerifierEncrypted: encryptSecret(keys.key('oauth-state'), secrets.codeVerifier), ttlMinutes: STATE_MINUTES,
      });
      setCookie(ctx, BINDING_COOKIE, binding, { httpOnly: true, path: '/', maxAgeSeconds: STATE_MINUTES * 60, sameSite: 'Lax' });
      ctx.redirect(url);
    } catch (error) {
      fail(ctx, error);
    }
  });

  router.get('/callback', async (ctx) => {
    const client = configured();
    try {
      const param = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : undefined);
      const providerError = param('error');
      if (providerError) throw new OAuthFailure('OAUTH_DENIED', `provider_error: ${providerError.slice(0, 100)}`);
      const state = param('state');
      const code = param('code');
      if (!state) throw new OAuthFailure('OAUTH_STATE_INVALID', 'state_missing');
      if (!code) throw new OAuthFailure('OAUTH_PROVIDER_ERROR', 'code_missing');
      const binding = readCookie(ctx, BINDING_COOKIE);
      if (!binding) throw new OAuthFailure('OAUTH_STATE_INVALID', 'browser_binding_missing');
      const stored = await consumeOAuthState(pool, PROVIDER, hashToken(state), hashToken(binding));
      if (!stored.ok) throw new OAuthFailure(stored.reason === 'state_expired' ? 'OAUTH_STATE_EXPIRED' : 'OAUTH_STATE_INVALID', stored.reason);
      const idToken = await client.exchangeCode(code, decryptSecret(keys.key('oauth-state'), stored.codeVerifierEncrypted));
      const identity = await client.verifyIdToken(idToken, stored.nonceHash);
      const account = await findOrCreateOAuthAccount(pool, { provider: PROVIDER, subject: identity.subject, email: identity.email, displayName: identity.name });
      log.info({ event: 'oauth_signed_in', provider: PROVIDER, userId: account.userId, outcome: account.kind, ...(account.kind === 'linked' ? { passwordRemoved: account.passwordRemoved } : {}) }, 'provider identity accepted');
      if (await deps.secondFactor.isEnabled(account.userId)) {
        const step = deps.tokens.sign('login-2fa', account.userId);
        log.info({ event: 'auth_2fa_required', userId: account.userId, method: PROVIDER }, 'second factor required');
        ctx.redirect(`${config.publicUrl}/login?twoFactor=${encodeURIComponent(step.token)}`);
        return;
      }
      await completeRedirectSignIn(ctx, deps, account.userId, PROVIDER);
    } catch (error) {
      fail(ctx, error);
    }
  });

  return router;
}
