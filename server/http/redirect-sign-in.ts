import type { Context } from 'koa';
import { completeRedirectSignIn } from '../auth/use-cases/sign-in.ts';
import { requester } from './requester.ts';
import { setSignInCookies } from './sign-in.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * A sign-in for a browser that arrives by redirect (the OAuth callback): the same new
 * device and cookies, but no JSON body to carry an access token, so the browser is sent
 * back to the app, which calls POST /auth/refresh (the refresh cookie, CSRF header) for one.
 */
export async function answerRedirectSignIn(ctx: Context, deps: SidecarDeps, userId: string, method: 'google'): Promise<void> {
  setSignInCookies(ctx, deps, await completeRedirectSignIn(deps, userId, requester(ctx, deps), method));
  ctx.redirect(`${deps.config.publicUrl}/?signedIn=${method}`);
}
