import type { Context } from 'koa';
import { recordLogin } from '../auth/store/users.ts';
import { clientIp } from './client-ip.ts';
import { issueCookies } from './sign-in.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * completeSignIn for a browser that arrives by redirect (the OAuth callback): the same new
 * device and cookies, but no JSON body to carry an access token, so the browser is sent
 * back to the app, which calls POST /auth/refresh (the refresh cookie, CSRF header) for one.
 */
export async function completeRedirectSignIn(ctx: Context, deps: SidecarDeps, userId: string, method: 'google'): Promise<void> {
  const refresh = await deps.refreshTokens.issue({ userId, method, userAgent: ctx.get('user-agent'), ip: clientIp(ctx, deps.trustedProxies) });
  await recordLogin(deps.pool, userId);
  issueCookies(ctx, deps, refresh.token, refresh.familyId, refresh.expiresAt);
  deps.signInGuard.rememberDevice(ctx, userId);
  deps.log.info({ event: 'auth_login_succeeded', userId, method, ip: clientIp(ctx, deps.trustedProxies) }, 'signed in');
  ctx.redirect(`${deps.config.publicUrl}/?signedIn=${method}`);
}
