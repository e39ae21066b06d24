import Koa from 'koa';
import type { Logger } from '../obs/logger.ts';
import type { DatabaseState } from '../db/health-monitor.ts';
import { errorHandler } from './errors.ts';
import { healthRouter } from './health-route.ts';
import { securityHeaders } from './security-headers.ts';
import { staticClient } from './static-client.ts';

export interface HttpAppDeps {
  log: Logger;
  databaseState: () => DatabaseState;
  securityHeadersEnabled: boolean;
  /** Where the built client lives; unset serves no client (API-only deployments). */
  clientDir?: string;
  /** Extra origins the page may connect to (the ingest WebSocket). */
  connectSources: string[];
}

const API_PREFIXES = ['/api', '/auth', '/health', '/metrics'];

/** The Koa sidecar: composition of small middlewares, no business logic here. */
export function createHttpApp(deps: HttpAppDeps): Koa {
  const app = new Koa({ proxy: true });
  app.silent = true; // errors are logged by our handler, as JSON
  app.use(errorHandler(deps.log));
  if (deps.securityHeadersEnabled) app.use(securityHeaders({ connectSources: deps.connectSources }));
  const health = healthRouter(deps.databaseState);
  app.use(health.routes()).use(health.allowedMethods());
  if (deps.clientDir) app.use(staticClient(deps.clientDir, API_PREFIXES));
  return app;
}
