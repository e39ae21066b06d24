import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../obs/logger.ts';
import { DatabaseHealthMonitor } from '../db/health-monitor.ts';
import { startTestPostgres, type TestPostgres } from '../test/support/test-postgres.ts';
import { getJson, pollUntil } from '../test/support/processes.ts';
import { createHttpApp } from './app.ts';
import { listenHttp, type HttpServer } from './server.ts';
import { Writable } from 'node:stream';
import { createPool } from '../db/pool.ts';
import { loadConfig } from '../config/index.ts';
import { buildSidecarDeps } from './build-sidecar.ts';

const quiet = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let pg: TestPostgres;
let monitor: DatabaseHealthMonitor;
let server: HttpServer;
let base: string;
const pools: Array<ReturnType<typeof createPool>> = [];

test.before(async () => {
  pg = await startTestPostgres();
  monitor = new DatabaseHealthMonitor(pg.server.url(), { intervalMs: 500 });
  await monitor.start();
  const pool = createPool(pg.server.url(), { max: 2, applicationName: 'health-test' });
  pools.push(pool);
  const config = loadConfig({ NODE_ENV: 'test', SECRET_KEY: 'x'.repeat(40), DATABASE_URL: pg.server.url() });
  const app = createHttpApp(buildSidecarDeps({ config, log: quiet, pool, databaseState: () => monitor.current }), { connectSources: [] });
  server = await listenHttp(app, '127.0.0.1', 0);
  base = `http://127.0.0.1:${server.port}`;
});

test.after(async () => {
  await server.close();
  for (const p of pools) await p.end();
  await monitor.stop();
  await pg.destroy();
});

test('health answers exactly what operators expect, with the security headers', async () => {
  const { status, body, headers } = await getJson(`${base}/health`);
  assert.is(status, 200);
  assert.equal(body, { status: 'healthy', database: 'connected', logging: 'configured' });
  assert.is(headers.get('x-content-type-options'), 'nosniff');
  assert.is(headers.get('x-frame-options'), 'DENY');
  assert.is(headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains; preload');
});

test('health turns 503 within 5 s of PostgreSQL going away, and recovers by itself', async () => {
  await pg.server.stopImmediately();
  const down = await pollUntil(async () => (await getJson(`${base}/health`)).status === 503, 5000);
  assert.ok(down !== undefined, 'still healthy 5 s after PostgreSQL stopped');
  const { body } = await getJson(`${base}/health`);
  assert.equal(body, { status: 'unhealthy', database: 'disconnected', logging: 'configured' });
  await pg.server.restart();
  const up = await pollUntil(async () => (await getJson(`${base}/health`)).status === 200, 10_000);
  assert.ok(up !== undefined, 'did not recover after PostgreSQL came back');
});

test('unknown routes get a JSON error with a stable code, not a stack', async () => {
  const { status, body } = await getJson(`${base}/api/nope`);
  assert.is(status, 404);
  assert.equal((body as { error: { code: string } }).error.code, 'NOT_FOUND');
});

test.run();
