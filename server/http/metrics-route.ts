import type { Context } from 'koa';
import type { Next } from './next.ts';
import type { Registry } from 'prom-client';
import { metricsAccess } from '../obs/metrics-access.ts';

/** GET /metrics: the sidecar's Prometheus metrics, for the callers metricsAccess lets in. */
export function metricsRoute(registry: Registry, settings: { production: boolean; token: string | undefined }) {
  return async function serveMetrics(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/metrics' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const access = metricsAccess(settings, { authorization: ctx.get('authorization') || undefined, forwarded: Boolean(ctx.get('x-forwarded-for') || ctx.get('forwarded')) });
    if (access === 'not_found') return next();
    if (access === 'unauthorized') {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
      ctx.body = { error: { code: 'METRICS_TOKEN_REQUIRED', message: 'this endpoint needs Authorization: Bearer <METRICS_TOKEN>' } };
      return;
    }
    ctx.set('Content-Type', registry.contentType);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await registry.metrics();
  };
}
