import helmet from 'koa-helmet';
import type { Middleware } from 'koa';

/**
 * The headers the seed's deployment guide promises operators (nosniff, X-Frame-Options DENY,
 * HSTS with preload), plus a content security policy that lets the client talk only to us
 * and to the ingest server's WebSocket.
 */
export function securityHeaders(options: { connectSources: string[] }): Middleware {
  return helmet({
    frameguard: { action: 'deny' },
    hsts: { maxAge: 31_536_000, includeSubDomains: true, preload: true },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'", ...options.connectSources],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}
