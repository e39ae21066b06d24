import Router from '@koa/router';
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';
import { GoogleOAuth } from '../auth/oauth-google.ts';
import { OAuthFailure } from '../auth/oauth-failure.ts';
import { newAuthorizationSecrets } from '../auth/oauth-flow.ts';
import { hashToken } from '../auth/secrets.ts';
import { decryptSecret, encryptSecret } from '../auth/totp-crypto.ts';
import { findOrCreateOAuthAccount, linkOAuthIdentity } from '../db/oauth-accounts.ts';
import { findUserById } from '../db/users.ts';
import { securityNoticeMail } from '../email/templates.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { clientIp } from './client-ip.ts';
import { reauthenticate } from './reauthenticate.ts';
import { STEP_COOKIE } from './two-factor-routes.ts';
import { parseInput } from './validation.ts';
import { googleLinkBody } from '../../shared/api/auth.ts';
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
 * 2FA account to the second step). POST /auth/google/link starts the same flow for the
 * signed-in account, to link the identity to it. Every failure is a redirect to
 * /login?error=CODE.
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

  /** Records a flow in flight, bound to this browser; returns where to send the browser. */
  const begin = async (ctx: Context, client: GoogleOAuth, linkUserId?: string): Promise<string> => {
    const secrets = newAuthorizationSecrets();
    const existing = readCookie(ctx, BINDING_COOKIE);
    // Reusing a live binding keeps a flow started in another tab valid.
    const binding = existing && BINDING_FORMAT.test(existing) ? existing : randomBytes(32).toString('base64url');
    const url = await client.authorizationUrl(secrets);
    await saveOAuthState(pool, {
      provider: PROVIDER, stateHash: hashToken(secrets.state), browserHash: hashToken(binding), nonceHash: hashToken(secrets.nonce),
      codeVerifierEncrypted: encryptSecret(keys.key('oauth-state'), secrets.codeVerifier), ttlMinutes: STATE_MINUTES, linkUserId,
    });
    setCookie(ctx, BINDING_COOKIE, binding, { httpOnly: true, path: '/', maxAgeSeconds: STATE_MINUTES * 60, sameSite: 'Lax' });
    return url;
  };

  router.get('/start', async (ctx) => {
    const client = configured();
    try {
      ctx.redirect(await begin(ctx, client));
    } catch (error) {
      fail(ctx, error);
    }
  });

  // Linking Google to the signed-in account, from the settings. The password (and code)
  // first: an access token alone must not be able to add a way in. An anonymous typist has
  // no password; linking makes them an account with Google's verified address.
  router.post('/link', requireUser(deps.tokens), async (ctx) => {
    const client = configured();
    const userId = userIdOf(ctx);
    const input = parseInput(googleLinkBody, bodyOf(ctx));
    const user = await findUserById(pool, userId);
    if (!user) throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    if (!user.is_anonymous) await reauthenticate(ctx, deps, userId, input, 'google_link');
    log.info({ event: 'oauth_link_started', provider: PROVIDER, userId, ip: clientIp(ctx, deps.trustedProxies) }, 'linking Google started');
    ctx.body = { authorizationUrl: await begin(ctx, client, userId) };
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
      const verified = { provider: PROVIDER, subject: identity.subject, email: identity.email, displayName: identity.name };
      if (stored.linkUserId) {
        const linked = await linkOAuthIdentity(pool, stored.linkUserId, verified);
        deps.liveness.forget(stored.linkUserId);
        if (!linked.ok) {
          if (linked.reason === 'account_gone') throw new OAuthFailure('OAUTH_FAILED', 'link_account_gone');
          throw new OAuthFailure(linked.reason === 'identity_taken' ? 'OAUTH_IDENTITY_TAKEN' : 'OAUTH_EMAIL_TAKEN', linked.reason);
        }
        log.info({ event: 'oauth_linked', provider: PROVIDER, userId: stored.linkUserId, devicesSignedOut: linked.devicesSignedOut, ip: clientIp(ctx, deps.trustedProxies) }, 'Google linked; every other sign-in ended');
        const owner = await findUserById(pool, stored.linkUserId);
        if (owner?.email) await deps.mailer.send(securityNoticeMail(owner.email, 'sign-in with Google was linked to the account and every device signed out'));
        await completeRedirectSignIn(ctx, deps, stored.linkUserId, PROVIDER);
        return;
      }
      const account = await findOrCreateOAuthAccount(pool, verified);
      if (account.kind === 'exists') throw new OAuthFailure('OAUTH_ACCOUNT_EXISTS', 'email_matches_existing_account');
      log.info({ event: 'oauth_signed_in', provider: PROVIDER, userId: account.userId, outcome: account.kind, ip: clientIp(ctx, deps.trustedProxies), ...(account.kind === 'created' ? { replacedUnproven: account.replacedUnproven } : {}) }, 'provider identity accepted');
      if (await deps.secondFactor.isEnabled(account.userId)) {
        // The step token goes in a short-lived cookie for POST /auth/login/2fa, not in the
        // URL of the page (which browser history, proxies and logs keep).
        const step = deps.tokens.sign('login-2fa', account.userId);
        setCookie(ctx, STEP_COOKIE, step.token, { httpOnly: true, path: '/auth/login', maxAgeSeconds: step.expiresIn });
        log.info({ event: 'auth_2fa_required', userId: account.userId, method: PROVIDER }, 'second factor required');
        ctx.redirect(`${config.publicUrl}/login?twoFactor=1`);
        return;
      }
      await completeRedirectSignIn(ctx, deps, account.userId, PROVIDER);
    } catch (error) {
      fail(ctx, error);
    }
  });

  return router;
}
