import type { Context, Next } from 'koa';
import { clientIp } from './client-ip.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

const PERSONAL = ['/api', '/auth'];

/**
 * API and auth answers carry tokens, backup codes and personal data: no browser, proxy or
 * shared cache may keep them (`Cache-Control: no-store`), whatever a route forgets. Also
 * notes the client address (behind trusted proxies only) for security log lines.
 */
export function apiResponsesUncached(deps: Pick<SidecarDeps, 'trustedProxies'>) {
  return async function noStore(ctx: Context, next: Next): Promise<void> {
    ctx.state.clientIp = clientIp(ctx, deps.trustedProxies);
    const personal = PERSONAL.some((p) => ctx.path === p || ctx.path.startsWith(`${p}/`));
    try {
      await next();
    } finally {
      if (personal) ctx.set('Cache-Control', 'no-store');
    }
  };
}
