// The three Node containers' commands, run as compose would run them: the environment of
// docker-compose.prod.yml (production, secrets, POSTGRES_*), the image's CMD, the image's
// HEALTHCHECK, and SIGTERM on stop. Only the database address differs: there is no host
// called "postgres" here, so POSTGRES_HOST/PORT point at the test PostgreSQL.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { testDatabaseSettings } from '../../server/config/test-env.ts';
import { adminQuery, withDatabase } from '../../server/test/support/database.ts';
import { spawnTs, type Spawned } from '../../server/test/support/processes.ts';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { loadCompose } from './compose-model.ts';
import { exitOf, REPO_ROOT, run, runScript } from './support.ts';

const { adminUrl } = testDatabaseSettings();
const admin = new URL(adminUrl);
const database = `ff_ops_${randomBytes(5).toString('hex')}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-entrypoints-'));
const running: Spawned[] = [];

const compose = loadCompose({
  DOMAIN: 'typing.example.org',
  SECRET_KEY: randomBytes(32).toString('hex'),
  POSTGRES_USER: decodeURIComponent(admin.username),
  POSTGRES_PASSWORD: decodeURIComponent(admin.password),
  POSTGRES_DB: database,
  TRUSTED_PROXIES: '127.0.0.1',
});

/** A service's environment from the compose file, pointed at the test PostgreSQL. */
function serviceEnv(service: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...compose.services[service]!.environment!, POSTGRES_HOST: admin.hostname, POSTGRES_PORT: admin.port, HOST: '127.0.0.1', DATA_DIR: dataDir, ...extra };
}

/** The image's HEALTHCHECK command, with the container port swapped for this test's. */
function imageHealthcheck(dockerfile: string, containerPort: string, port: number): string[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'ops/docker', dockerfile), 'utf8').replace(/\\\n/g, ' ');
  const json = /^HEALTHCHECK .*?CMD (\[.*\])\s*$/m.exec(text)![1]!;
  return (JSON.parse(json) as string[]).map((arg) => arg.replace(`127.0.0.1:${containerPort}`, `127.0.0.1:${port}`));
}


test.before(async () => {
  await adminQuery(adminUrl, `CREATE DATABASE ${database}`);
});

test.after(async () => {
  for (const child of running) child.child.kill('SIGKILL');
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the migrate service migrates an empty database, and running it again changes nothing', async () => {
  const [, ...command] = compose.services.migrate!.command!;
  assert.equal(command, ['--import', 'tsx', 'server/bin/migrate.ts']);
  const migrate = () => run(process.execPath, command, serviceEnv('migrate'));
  const first = await migrate();
  assert.is(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /"event":"database_migrations_complete"/);
  assert.not.match(first.stdout, /"applied":\[\]/);
  const second = await migrate();
  assert.is(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /"applied":\[\]/);
  const client = new pg.Client({ connectionString: withDatabase(adminUrl, database) });
  await client.connect();
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
  await client.end();
  assert.ok(rows[0]!.n >= 3);
});

test('the sidecar container: starts, passes its image health check and health-check.sh, stops on SIGTERM', async () => {
  const port = await freePort();
  // No SMTP server here: the file mailer, chosen explicitly as production demands.
  const sidecar = spawnTs('server/bin/sidecar.ts', serviceEnv('sidecar', { PORT: String(port), EMAIL_PROVIDER: 'console' }));
  running.push(sidecar);
  await sidecar.waitFor('"event":"sidecar_ready"', 30_000);
  assert.match(sidecar.output(), /"production":true|"env":"production"/);

  const [probe, ...args] = imageHealthcheck('sidecar.Dockerfile', '8080', port);
  const healthcheck = await run(probe!, args);
  assert.is(healthcheck.code, 0, healthcheck.stderr);

  const script = await runScript('health-check.sh', [`http://127.0.0.1:${port}/health`], { HEALTH_ATTEMPTS: '3', HEALTH_DELAY: '0.2' });
  assert.is(script.code, 0, script.stderr);
  assert.match(script.stdout, /healthy: .*\{"status":"healthy","database":"connected","logging":"configured"\}/);

  // /metrics: served to a direct (internal) request; through Traefik (X-Forwarded-For) it does not exist.
  const direct = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.is(direct.status, 200);
  assert.match(await direct.text(), /^http_requests_total\{method="GET",route="\/health"/m);
  const viaProxy = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.is(viaProxy.status, 404);

  sidecar.child.kill('SIGTERM');
  assert.is(await exitOf(sidecar.child, 10_000), 0, `the sidecar did not stop cleanly within 10 s:\n${sidecar.output().slice(-2000)}`);
});

test('an ingest replica: starts, passes its image health check, serves the metrics DEPLOY.md names, drains on SIGTERM', async () => {
  const port = await freePort();
  const ingest = spawnTs('server/bin/ingest.ts', serviceEnv('ingest', { INGEST_PORT: String(port) }));
  running.push(ingest);
  await ingest.waitFor('"event":"ingest_ready"', 30_000);

  const [probe, ...args] = imageHealthcheck('ingest.Dockerfile', '8081', port);
  const healthcheck = await run(probe!, args);
  assert.is(healthcheck.code, 0, healthcheck.stderr);
  // Against a port where nothing listens the probe must fail, or Docker would never notice.
  const deadPort = await freePort();
  const dead = await run(probe!, args.map((a) => a.replace(`:${port}`, `:${deadPort}`)));
  assert.is(dead.code, 1);

  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const deployDoc = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOY.md'), 'utf8');
  const section = /### Prometheus metrics\n([\s\S]*?)\n##/.exec(deployDoc)?.[1] ?? '';
  const named = [...section.matchAll(/`(ingest_[a-z_]+)`/g)].map((m) => m[1]!);
  assert.ok(named.length >= 4, 'DEPLOY.md lists no ingest metrics');
  for (const metric of named) assert.match(metrics, new RegExp(`^# TYPE ${metric} `, 'm'), `${metric} is not served at /metrics`);

  for (const p of ['/metrics', '/ingest/health']) {
    const proxied = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.is(proxied.status, 404, `${p} through the proxy`);
  }

  ingest.child.kill('SIGTERM');
  assert.is(await exitOf(ingest.child, 10_000), 0, `the ingest server did not drain and exit within 10 s:\n${ingest.output().slice(-2000)}`);
  assert.match(ingest.output(), /"event":"ingest_drained"/);
});

test.run();
