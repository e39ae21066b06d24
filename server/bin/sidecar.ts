// The HTTP sidecar alone (a production container behind Traefik; nginx serves the client):
// DATABASE_URL required, migrations applied under the advisory lock, /health, /auth, /api.
import { DatabaseHealthMonitor } from '../db/health-monitor.ts';
import { createHttpApp } from '../http/app.ts';
import { buildSidecarDeps } from '../http/build-sidecar.ts';
import { API_ROUTES } from '../http/api-routes.ts';
import { listenHttp } from '../http/server.ts';
import { bootService } from './service-boot.ts';
import { createRegistry } from '../obs/metrics.ts';
import { registerPoolMetrics } from '../obs/db-metrics.ts';

await bootService('fingerflow-sidecar', async ({ config, databaseUrl, log, shutdown, pool }) => {
  const health = new DatabaseHealthMonitor(databaseUrl, {
    onChange: (state, error) => log[state === 'connected' ? 'info' : 'error']({ event: `database_${state}`, err: error }, `database ${state}`),
  });
  await health.start();
  shutdown.add('database health monitor', () => health.stop());
  const deps = buildSidecarDeps({ config, log, pool, databaseState: () => health.current });
  shutdown.add('rate limiter', async () => deps.limiter.stop());
  shutdown.add('sign-in revocation listener', () => deps.liveness.stop());
  shutdown.add('outgoing mail', () => deps.mailer.idle());
  const registry = createRegistry('fingerflow-sidecar');
  registerPoolMetrics(registry, { api: pool });
  const server = await listenHttp(createHttpApp(deps, { connectSources: [new URL(config.ingestPublicUrl).origin], registry }, API_ROUTES), config.host, config.httpPort);
  shutdown.add('http sidecar', () => server.close());
  log.info({ event: 'sidecar_ready', port: server.port }, 'sidecar ready');
});
