import Router from '@koa/router';
import type { Context } from 'koa';
import { GoogleOAuth } from '../auth/oauth-google.ts';
import { OAuthFailure } from '../auth/oauth-failure.ts';
import { beginGoogleFlow, finishGoogleFlow, startGoogleLink, PROVIDER, STATE_MINUTES, type FlowStart } from '../auth/use-cases/google-sign-in.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { translateAuthErrors } from './auth-errors.ts';
import { bodyOf } from './body.ts';
import { requester } from './requester.ts';
import { STEP_COOKIE } from './two-factor-routes.ts';
import { parseInput } from './validation.ts';
import { googleLinkBody } from '../../shared/api/auth.ts';
import { readCookie, setCookie } from './cookies.ts';
import { HttpError } from './errors.ts';
import { answerRedirectSignIn } from './redirect-sign-in.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

// Binds the state to the browser that started the flow. SameSite=Lax, because it must come
// back with the provider's cross-site redirect; `__Host-` (Secure, Path=/, no Domain), so a
// sibling subdomain cannot plant a value of its own (login CSRF by cookie tossing).
const BINDING_COOKIE = '__Host-ff_oauth';

/**
 * Sign in with Google (auth/use-cases/google-sign-in.ts): GET /auth/google/start sends the
 * browser to the provider; GET /auth/google/callback signs in (or sends a 2FA account to
 * the second step); POST /auth/google/link starts the same flow for the signed-in account,
 * to link the identity to it. Every failure is a redirect to /login?error=CODE.
 */
export function googleOAuthRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/auth/google' });
  const { config, log } = deps;
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
  /** Keeps the flow's browser binding; returns where to send the browser. */
  const bind = (ctx: Context, start: FlowStart): string => {
    setCookie(ctx, BINDING_COOKIE, start.binding, { httpOnly: true, path: '/', maxAgeSeconds: STATE_MINUTES * 60, sameSite: 'Lax' });
    return start.authorizationUrl;
  };
  router.use(translateAuthErrors);

  router.get('/start', async (ctx) => {
    const client = configured();
    try {
      ctx.redirect(bind(ctx, await beginGoogleFlow(deps, client, readCookie(ctx, BINDING_COOKIE))));
    } catch (error) {
      fail(ctx, error);
    }
  });

  // Linking Google to the signed-in account, from the settings (the password first).
  router.post('/link', requireUser(deps.tokens), async (ctx) => {
    const client = configured();
    const userId = userIdOf(ctx);
    const input = parseInput(googleLinkBody, bodyOf(ctx));
    ctx.body = { authorizationUrl: bind(ctx, await startGoogleLink(deps, client, userId, input, readCookie(ctx, BINDING_COOKIE), requester(ctx, deps))) };
  });

  router.get('/callback', async (ctx) => {
    const client = configured();
    try {
      const param = (name: string) => (typeof ctx.query[name] === 'string' ? ctx.query[name] : undefined);
      const callback = { error: param('error'), state: param('state'), code: param('code'), binding: readCookie(ctx, BINDING_COOKIE) };
      const outcome = await finishGoogleFlow(deps, client, callback, requester(ctx, deps));
      if (outcome.kind === 'two_factor') {
        // The step token goes in a short-lived cookie for POST /auth/login/2fa, not in the
        // URL of the page (which browser history, proxies and logs keep).
        setCookie(ctx, STEP_COOKIE, outcome.stepToken, { httpOnly: true, path: '/auth/login', maxAgeSeconds: outcome.expiresIn });
        ctx.redirect(`${config.publicUrl}/login?twoFactor=1`);
        return;
      }
      await answerRedirectSignIn(ctx, deps, outcome.userId, PROVIDER);
    } catch (error) {
      fail(ctx, error);
    }
  });

  return router;
}
