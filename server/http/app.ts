import Koa from 'koa';
import { errorHandler } from './errors.ts';
import { healthRouter } from './health-route.ts';
import { securityHeaders } from './security-headers.ts';
import { staticClient } from './static-client.ts';
import { httpsRedirect } from './https-redirect.ts';
import { jsonBody } from './body.ts';
import { IMPORT_FILES_PATH } from './import-files-routes.ts';
import { requireJson } from './csrf.ts';
import { rateLimit } from './rate-limit.ts';
import { addressGroup, clientIp } from './client-ip.ts';
import { apiResponsesUncached } from './no-store.ts';
import { authSessionRoutes } from './auth-session-routes.ts';
import { authAccountRoutes } from './auth-account-routes.ts';
import { twoFactorRoutes } from './two-factor-routes.ts';
import { googleOAuthRoutes } from './google-oauth-routes.ts';
import { emailChangeRoutes } from './email-change-routes.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import type Router from '@koa/router';
import type { Registry } from 'prom-client';
import { requestLog } from '../obs/request-log.ts';
import { httpMetrics } from '../obs/http-metrics.ts';
import { metricsRoute } from './metrics-route.ts';

export interface HttpAppOptions {
  /** Where the built client lives; unset serves no client (API-only deployments). */
  clientDir?: string;
  /** Extra origins the page may connect to (the ingest WebSocket). */
  connectSources: string[];
  /** Where the sidecar's metrics go, served at /metrics (see metrics-route.ts); unset: none. */
  registry?: Registry;
}

const API_PREFIXES = ['/api', '/auth', '/health', '/metrics'];

/** Route groups added by feature modules; each is a function of the shared dependencies. */
export type RouteGroup = (deps: SidecarDeps) => Router;

/** The Koa sidecar: a composition of small middlewares and route groups, no logic here. */
export function createHttpApp(deps: SidecarDeps, options: HttpAppOptions, extraRoutes: RouteGroup[] = []): Koa {
  const { config, log } = deps;
  const app = new Koa({ proxy: deps.trustedProxies.size > 0 });
  app.silent = true; // errors are logged by our handler, as JSON
  // Outside the error handler: they see the status it settles on, and its log lines the id.
  app.use(requestLog(log));
  if (options.registry) app.use(httpMetrics(options.registry));
  app.use(errorHandler(log));
  if (options.registry) app.use(metricsRoute(options.registry, { production: config.production, token: config.metricsToken }));
  if (config.security.httpsRedirect) app.use(httpsRedirect(deps.trustedProxies));
  if (config.security.headers) app.use(securityHeaders({ connectSources: options.connectSources }));
  app.use(apiResponsesUncached(deps));
  const health = healthRouter(deps.databaseState);
  app.use(health.routes()).use(health.allowedMethods());
  const general = { name: 'general', limit: config.security.generalRatePerMinute, windowMs: 60_000 };
  // The load-test endpoints sit behind their own token and serve thousands of simulated
  // clients from one address: the per-address limit would only break the test.
  const apiOnly = (ctx: Koa.Context) => (ctx.path.startsWith('/api') && !ctx.path.startsWith('/api/loadtest/')) || ctx.path.startsWith('/auth');
  const limitGeneral = rateLimit(deps.limiter, general, log, (ctx) => addressGroup(clientIp(ctx, deps.trustedProxies)), config.security.authRateLimit);
  app.use(async (ctx, next) => {
    if (apiOnly(ctx)) await limitGeneral(ctx, next);
    else await next();
  });
  app.use(requireJson());
  app.use(jsonBody([IMPORT_FILES_PATH]));
  for (const group of [authSessionRoutes, authAccountRoutes, emailChangeRoutes, twoFactorRoutes, googleOAuthRoutes, ...extraRoutes]) {
    const router = group(deps);
    app.use(router.routes()).use(router.allowedMethods());
  }
  if (options.clientDir) app.use(staticClient(options.clientDir, API_PREFIXES));
  return app;
}
