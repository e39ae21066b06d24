import { safeEqual } from '../auth/secrets.ts';

export type MetricsAccess = 'allow' | 'unauthorized' | 'not_found';

/**
 * Who may read /metrics and the ingest health detail. Locally anyone (npm start on a
 * laptop). In production: a request that came through a proxy (Traefik adds
 * X-Forwarded-For) is answered as if the path did not exist, unless it carries
 * METRICS_TOKEN; a direct request on the internal network (Prometheus) is let in, and must
 * carry METRICS_TOKEN when one is set, except for `health`, which the container's
 * HEALTHCHECK and Traefik's health check call without one.
 */
export function metricsAccess(settings: { production: boolean; token: string | undefined }, request: { authorization: string | undefined; forwarded: boolean }, what: 'metrics' | 'health' = 'metrics'): MetricsAccess {
  if (!settings.production) return 'allow';
  const presented = /^Bearer (.+)$/.exec(request.authorization ?? '')?.[1];
  const tokenOk = settings.token !== undefined && presented !== undefined && safeEqual(presented, settings.token);
  if (request.forwarded) return tokenOk ? 'allow' : 'not_found';
  if (what === 'metrics' && settings.token !== undefined && !tokenOk) return 'unauthorized';
  return 'allow';
}
