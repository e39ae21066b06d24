import { Counter, Histogram, type Registry } from 'prom-client';
import type { Context, Next } from 'koa';

/** The route pattern a request matched (`/api/sessions/:id`), never the raw path (unbounded labels). */
export function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  // A router-level middleware (authentication before any route of a prefix) matches as the
  // prefix's pattern, `/api/sessions(?:\/|$)`: reported as `/api/sessions/*`.
  if (typeof matched === 'string') return matched.includes('(?:') ? `${matched.slice(0, matched.indexOf('(?:'))}/*` : matched;
  if (ctx.path === '/health' || ctx.path === '/metrics') return ctx.path;
  return ctx.status === 404 ? 'unmatched' : 'client';
}

/**
 * The sidecar's HTTP metrics: requests by method, route and status, and their latency by
 * route. Outermost middleware, so it sees the status the error handler settled on.
 */
export function httpMetrics(registry: Registry) {
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return async function measure(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = routeOf(ctx);
      requests.inc({ method: ctx.method, route, status: String(ctx.status) });
      duration.observe({ method: ctx.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}
