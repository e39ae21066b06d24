import type { Context } from 'koa';
import type { Next } from './next.ts';

/**
 * Optional (HTTPS_REDIRECT_ENABLED): plain-HTTP requests are sent to HTTPS. Off by default,
 * since Traefik terminates TLS and redirects before requests reach us; a forwarded proto is
 * believed only from a trusted proxy.
 */
export function httpsRedirect(trustedProxies: { has(ip: string): boolean }) {
  return async function redirectToHttps(ctx: Context, next: Next): Promise<void> {
    const peer = (ctx.req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const proto = trustedProxies.has(peer) ? (ctx.get('x-forwarded-proto') || ctx.protocol) : ctx.protocol;
    if (proto === 'https' || ctx.path === '/health') return next();
    ctx.status = 301;
    ctx.redirect(`https://${ctx.host}${ctx.originalUrl}`);
  };
}
