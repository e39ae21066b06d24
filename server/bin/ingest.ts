// The ingest server alone (a production replica, or a second process in tests): DATABASE_URL
// required, migrations applied under the advisory lock, /ws and /socket.io/ on INGEST_PORT.
// SIGTERM drains: buffered batches are committed and acknowledged, sockets closed with 4000.
import { createRegistry } from '../obs/metrics.ts';
import { startIngestServer } from './ingest-wiring.ts';
import { bootService } from './service-boot.ts';

await bootService('fingerflow-ingest', async ({ config, databaseUrl, log, shutdown, pool }) => {
  const ingest = await startIngestServer({ config, log, registry: createRegistry('fingerflow-ingest'), databaseUrl, pool });
  shutdown.add('ingest server', () => ingest.drain());
  log.info({ event: 'ingest_ready', port: ingest.port, serverId: ingest.serverId }, 'ingest server ready');
});
