// docker-compose.prod.yml, read the way compose and Traefik would read it (neither runs here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config/index.ts';
import { InterpolationError, loadCompose, rawCompose, route, routers, type ComposeFile } from './compose-model.ts';
import { REPO_ROOT } from './support.ts';
import { INGEST_POSTGRES_SETTINGS } from '../../server/db/open-database.ts';

const DOMAIN = 'typing.example.org';
/** A filled-in .env: the four required values and nothing else. */
const ENV = {
  DOMAIN,
  SECRET_KEY: 'k'.repeat(64),
  POSTGRES_PASSWORD: 'p@ss/word:with#signs',
  TRUSTED_PROXIES: '172.30.0.2',
};
const compose: ComposeFile = loadCompose(ENV);
const services = compose.services;
const LONG_RUNNING = ['postgres', 'ingest', 'sidecar', 'client'];
const NODE_SERVICES = ['migrate', 'ingest', 'sidecar'];

test('the five services, and nothing publishes a port (Traefik is the only way in)', () => {
  assert.equal(Object.keys(services).sort(), ['client', 'ingest', 'migrate', 'postgres', 'sidecar']);
  for (const [name, service] of Object.entries(services)) {
    assert.is(service.ports, undefined, `${name} publishes ports`);
  }
  assert.is(services.postgres!.image, 'postgres:15-bookworm');
  assert.ok(services.postgres!.volumes?.some((v) => /^postgres-data:\/var\/lib\/postgresql\/data$/.test(v)), 'postgres keeps its data in the named volume');
  assert.ok('postgres-data' in compose.volumes);
});

test('Traefik sends each path to the right service, by priority', () => {
  const all = routers(compose);
  const expect = (p: string, service: string | undefined) => assert.is(route(all, { host: DOMAIN, path: p })?.composeService, service, `${p} should reach ${service}`);
  expect('/ws', 'ingest');
  expect('/socket.io/', 'ingest');
  expect('/socket.io/?EIO=4&transport=polling', 'ingest');
  expect('/api/sessions', 'sidecar');
  expect('/auth/login', 'sidecar');
  expect('/auth/google/callback', 'sidecar');
  expect('/health', 'sidecar');
  expect('/', 'client');
  expect('/stats', 'client');
  expect('/assets/index-abc123.js', 'client');
  expect('/healthz', 'client');
  assert.is(route(all, { host: 'other.example', path: '/api/x' }), undefined, 'another host must not reach FingerFlow');
});

test('router rules, priorities, entrypoint and certificate resolver', () => {
  const byService = Object.fromEntries(routers(compose).map((r) => [r.composeService, r]));
  assert.is(byService.ingest!.rule, `Host(\`${DOMAIN}\`) && (PathPrefix(\`/ws\`) || PathPrefix(\`/socket.io/\`))`);
  assert.is(byService.client!.rule, `Host(\`${DOMAIN}\`)`);
  assert.is(byService.sidecar!.priority, 10);
  assert.is(byService.client!.priority, 1);
  assert.ok(byService.ingest!.priority > byService.sidecar!.priority, 'ingest must outrank the sidecar');
  for (const router of Object.values(byService)) {
    assert.is(router.labels.entrypoints, 'websecure', router.name);
    assert.is(router.labels.tls, 'true', router.name);
    assert.is(router.labels['tls.certresolver'], 'letsencrypt', router.name);
  }
  const custom = loadCompose({ ...ENV, TRAEFIK_CERT_RESOLVER: 'myresolver' });
  for (const router of routers(custom)) assert.is(router.labels['tls.certresolver'], 'myresolver');
});

test('each router reaches its service on the port the container listens on', () => {
  const nginx = fs.readFileSync(path.join(REPO_ROOT, 'ops/docker/nginx.conf'), 'utf8');
  const listening: Record<string, string> = {
    ingest: services.ingest!.environment!.INGEST_PORT!,
    sidecar: services.sidecar!.environment!.PORT!,
    client: /^\s*listen\s+(\d+);/m.exec(nginx)![1]!,
  };
  assert.equal(listening, { ingest: '8081', sidecar: '8080', client: '8080' });
  for (const router of routers(compose)) {
    const labels = services[router.composeService]!.labels!;
    assert.is(labels['traefik.enable'], 'true');
    assert.is(labels['traefik.docker.network'], 'proxy', `${router.composeService}: Traefik must use the proxy network`);
    const target = router.labels.service!;
    assert.is(labels[`traefik.http.services.${target}.loadbalancer.server.port`], listening[router.composeService], router.name);
  }
});

test('ingest: sticky cookie, Traefik health check, at least two replicas', () => {
  const labels = services.ingest!.labels!;
  const lb = 'traefik.http.services.fingerflow-ingest.loadbalancer';
  assert.is(labels[`${lb}.sticky.cookie`], 'true');
  assert.is(labels[`${lb}.sticky.cookie.name`], 'ff_ingest');
  assert.is(labels[`${lb}.sticky.cookie.secure`], 'true');
  assert.is(labels[`${lb}.sticky.cookie.httponly`], 'true');
  assert.is(labels[`${lb}.sticky.cookie.samesite`], 'lax');
  assert.is(labels[`${lb}.healthcheck.path`], '/ingest/health');
  assert.ok(Number(services.ingest!.deploy!.replicas) >= 2, 'at least two ingest replicas by default');
  assert.is(Number(loadCompose({ ...ENV, INGEST_REPLICAS: '4' }).services.ingest!.deploy!.replicas), 4);
});

test('networks: proxy is external, PostgreSQL only on the internal network', () => {
  assert.is(compose.networks.proxy!.external, true);
  assert.is(compose.networks['fingerflow-internal']!.internal, true);
  assert.equal(services.postgres!.networks, ['fingerflow-internal']);
  assert.equal(services.migrate!.networks, ['fingerflow-internal']);
  for (const name of ['ingest', 'sidecar']) assert.equal([...services[name]!.networks!].sort(), ['fingerflow-internal', 'proxy'], name);
  assert.equal(services.client!.networks, ['proxy']);
  for (const router of routers(compose)) assert.ok(services[router.composeService]!.networks!.includes('proxy'), `${router.composeService} is routed but not on proxy`);
  // A Traefik with exposedByDefault=true would otherwise make routers for these too.
  for (const name of ['postgres', 'migrate']) assert.is(services[name]!.labels?.['traefik.enable'], 'false', name);
});

test('health checks everywhere, and the start order waits on them', () => {
  for (const name of LONG_RUNNING) {
    const check = services[name]!.healthcheck;
    assert.ok(check?.test?.length && !check.disable, `${name} has no health check`);
  }
  assert.match(services.postgres!.healthcheck!.test!.join(' '), /pg_isready/);
  assert.match(services.ingest!.healthcheck!.test!.join(' '), /\/ingest\/health/);
  assert.match(services.sidecar!.healthcheck!.test!.join(' '), /\/health/);
  assert.match(services.client!.healthcheck!.test!.join(' '), /\/nginx-health/);
  // migrate is a one-shot job: it has nothing to probe, and compose waits for its exit.
  assert.is(services.migrate!.healthcheck!.disable, true);
  assert.equal(services.migrate!.command, ['node', '--import', 'tsx', 'server/bin/migrate.ts']);
  assert.is(services.migrate!.restart, 'no');
  assert.equal(services.migrate!.depends_on, { postgres: { condition: 'service_healthy' } });
  for (const name of ['ingest', 'sidecar']) {
    assert.equal(services[name]!.depends_on, { postgres: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } }, name);
  }
});

test('restart policies, log rotation, and time to drain on stop', () => {
  for (const name of LONG_RUNNING) {
    assert.is(services[name]!.restart, 'unless-stopped', name);
  }
  for (const name of Object.keys(services)) {
    const logging = services[name]!.logging;
    assert.is(logging?.driver, 'json-file', name);
    assert.ok(logging?.options?.['max-size'] && logging.options['max-file'], `${name} logs are not rotated`);
  }
  // The servers drain within SHUTDOWN_TIMEOUT_MS (8 s by default); Docker must wait longer.
  for (const name of ['ingest', 'sidecar']) assert.ok(parseInt(services[name]!.stop_grace_period!, 10) > 8, name);
});

test('compose refuses to start without the required secrets and settings', () => {
  for (const name of Object.keys(ENV)) {
    const missing: Record<string, string> = { ...ENV, [name]: '' };
    assert.throws(() => loadCompose(missing), (error: unknown) => error instanceof InterpolationError && error.message.includes(name), `${name} empty`);
  }
  const raw = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.prod.yml'), 'utf8');
  for (const name of ['SECRET_KEY', 'POSTGRES_PASSWORD']) assert.ok(raw.includes(`\${${name}:?`), `${name} must use \${${name}:?...}`);
});

test('the node services get production settings that the configuration accepts', () => {
  for (const name of NODE_SERVICES) {
    const service = services[name]!;
    assert.is(service.env_file, '.env', `${name} must read .env`);
    assert.is(service.environment!.NODE_ENV, 'production');
    assert.is(service.environment!.HOST, '0.0.0.0');
    // Read-only root filesystem: whatever the process writes must go to a tmpfs.
    assert.is(service.read_only, true, name);
    assert.ok(service.tmpfs?.some((t) => service.environment!.DATA_DIR!.startsWith(`${t}/`)), `${name}: DATA_DIR must be on a tmpfs`);
    // What the process would see: .env (here just the required values), then `environment:`.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-compose-config-'));
    const config = loadConfig({ ...ENV, ...service.environment }, { cwd: dataDir });
    fs.rmSync(dataDir, { recursive: true, force: true });
    assert.is(config.production, true);
    assert.is(config.host, '0.0.0.0');
    assert.is(config.databaseUrl, `postgres://fingerflow:${encodeURIComponent(ENV.POSTGRES_PASSWORD)}@postgres:5432/fingerflow`);
    assert.is(config.publicUrl, `https://${DOMAIN}`);
    assert.equal(config.allowedOrigins, [`https://${DOMAIN}`]);
    assert.equal(config.security.trustedProxies, ['172.30.0.2']);
  }
  // The postgres service is created with the same role, database and password.
  assert.equal(services.postgres!.environment, { POSTGRES_USER: 'fingerflow', POSTGRES_DB: 'fingerflow', POSTGRES_PASSWORD: ENV.POSTGRES_PASSWORD });
});

test('PostgreSQL runs with the write-heavy settings of the embedded one', () => {
  const command = services.postgres!.command as string[];
  const settings = Object.fromEntries(command.filter((_, i) => command[i - 1] === '-c').map((kv) => kv.split('=') as [string, string]));
  for (const [name, value] of Object.entries(INGEST_POSTGRES_SETTINGS)) assert.is(settings[name], value, name);
  assert.is(settings.max_connections, '200');
});

test('every variable compose reads is documented in .env.production.template', () => {
  const template = fs.readFileSync(path.join(REPO_ROOT, '.env.production.template'), 'utf8');
  const raw = JSON.stringify(rawCompose());
  const used = new Set([...raw.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
  assert.ok(used.size >= 6);
  for (const name of used) assert.match(template, new RegExp(`^(# )?${name}=`, 'm'), `${name} is missing from the template`);
});

test.run();
