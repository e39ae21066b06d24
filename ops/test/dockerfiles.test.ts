// The Dockerfiles and nginx.conf of ops/docker. Docker cannot build here, so the files are
// read; nginx can run here, so its configuration is also served for real when nginx exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { pollUntil } from '../../server/test/support/processes.ts';
import { rawCompose } from './compose-model.ts';
import { REPO_ROOT, run } from './support.ts';
import { NGINX_TOOL, toolPath } from '../../server/test/support/system-tools.ts';

interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage; continuation lines joined, comments dropped. */
function stages(file: string): Instruction[][] {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'ops/docker', file), 'utf8');
  const logical = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ');
  const result: Instruction[][] = [];
  for (const line of logical.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const instruction = { op: match[1]!, args: match[2]!.replace(/\s+/g, ' ').trim() };
    if (instruction.op === 'FROM') result.push([]);
    result.at(-1)!.push(instruction);
  }
  return result;
}

const all = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).map((i) => i.args);
const one = (stage: Instruction[], op: string) => all(stage, op).at(-1);

const NODE_IMAGES = { 'ingest.Dockerfile': { port: '8081', entry: 'server/bin/ingest.ts', health: '/ingest/health' }, 'sidecar.Dockerfile': { port: '8080', entry: 'server/bin/sidecar.ts', health: '/health' } };

for (const [file, expected] of Object.entries(NODE_IMAGES)) {
  test(`${file}: multi-stage on node:20-bookworm-slim, non-root, health-checked`, () => {
    const list = stages(file);
    assert.ok(list.length >= 2, 'multi-stage');
    for (const stage of list) assert.match(one(stage, 'FROM')!, /^node:20-bookworm-slim\b/);
    const runtime = list.at(-1)!;
    const user = one(runtime, 'USER');
    assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime user is ${user}`);
    assert.ok(one(runtime, 'HEALTHCHECK')?.includes(`http://127.0.0.1:${expected.port}${expected.health}`), 'HEALTHCHECK');
    assert.is(one(runtime, 'EXPOSE'), expected.port);
    assert.equal(JSON.parse(one(runtime, 'CMD')!), ['node', '--import', 'tsx', expected.entry]);
    // The runtime copies the installed node_modules, never runs npm itself.
    assert.not.ok(all(runtime, 'RUN').some((r) => /\bnpm\b/.test(r)));
  });
}

test('client.Dockerfile: built with npm, served by unprivileged nginx with our config', () => {
  const list = stages('client.Dockerfile');
  assert.ok(list.length >= 2);
  assert.match(one(list[0]!, 'FROM')!, /^node:20-bookworm-slim\b/);
  assert.ok(all(list[0]!, 'RUN').some((r) => r.includes('npm run build:client')));
  const runtime = list.at(-1)!;
  assert.match(one(runtime, 'FROM')!, /^nginxinc\/nginx-unprivileged:[\w.-]*bookworm/);
  const user = one(runtime, 'USER');
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime user is ${user}`);
  assert.ok(all(runtime, 'COPY').includes('ops/docker/nginx.conf /etc/nginx/conf.d/default.conf'));
  assert.ok(all(runtime, 'COPY').some((c) => /--from=\w+ \/app\/client\/dist \/usr\/share\/nginx\/html/.test(c)));
  assert.match(one(runtime, 'HEALTHCHECK')!, /\/nginx-health/);
});

test('every image installs with npm ci under npm 11, honouring .npmrc and allowScripts', () => {
  for (const file of ['ingest.Dockerfile', 'sidecar.Dockerfile', 'client.Dockerfile']) {
    const build = stages(file)[0]!;
    const copies = all(build, 'COPY');
    const runs = all(build, 'RUN');
    const ciAt = build.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
    assert.ok(ciAt > 0, `${file}: no npm ci`);
    const npmrcAt = build.findIndex((i) => i.op === 'COPY' && /\.npmrc/.test(i.args) && /package-lock\.json/.test(i.args));
    assert.ok(npmrcAt >= 0 && npmrcAt < ciAt, `${file}: .npmrc and the lock file must be copied before npm ci`);
    // npm 10 (bundled with Node 20) ignores allowScripts; the version must be the one used here.
    const npmVersion = /npm@(\d+)\./.exec(runs.join(' '))?.[1];
    assert.is(npmVersion, '11', `${file}: npm 11 must be installed before npm ci`);
    assert.not.ok(runs.some((r) => r.includes('--ignore-scripts')), `${file}: install scripts must run (allowScripts decides which)`);
    // Every COPY from the build context names something that exists and is not ignored.
    for (const copy of [...copies, ...stages(file).slice(1).flatMap((s) => all(s, 'COPY'))]) {
      if (copy.startsWith('--from')) continue;
      const sources = copy.split(' ').filter((w) => !w.startsWith('--')).slice(0, -1);
      for (const source of sources) assert.ok(fs.existsSync(path.join(REPO_ROOT, source)), `${file}: COPY ${source} does not exist`);
    }
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts?: object };
  assert.ok(pkg.allowScripts, 'package.json has no allowScripts');
  assert.match(fs.readFileSync(path.join(REPO_ROOT, '.npmrc'), 'utf8'), /strict-allow-scripts=true/);
});

test('the compose health checks probe what the images probe', () => {
  const compose = rawCompose();
  for (const [service, file] of [['ingest', 'ingest.Dockerfile'], ['sidecar', 'sidecar.Dockerfile'], ['client', 'client.Dockerfile']] as const) {
    const fromImage = JSON.parse(one(stages(file).at(-1)!, 'HEALTHCHECK')!.replace(/^.*?CMD /, '')) as string[];
    assert.equal(compose.services[service]!.healthcheck!.test!.slice(1), fromImage, service);
    assert.is(compose.services[service]!.build!.dockerfile, `ops/docker/${file}`);
  }
});

test('.dockerignore keeps local state, secrets and build output out of the images', () => {
  const ignored = fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const entry of ['node_modules', '.data', 'client/dist', '.git', '.env', 'backups']) assert.ok(ignored.includes(entry), `${entry} is not ignored`);
  // Nothing an image COPYs may be ignored.
  for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'client', 'shared', 'server', 'sql', 'ops/docker']) assert.not.ok(ignored.includes(needed), `${needed} is ignored`);
});

// ---- nginx.conf -------------------------------------------------------------------------

const NGINX_CONF = fs.readFileSync(path.join(REPO_ROOT, 'ops/docker/nginx.conf'), 'utf8');
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
};

test('nginx.conf: every location that sets headers repeats the security headers', () => {
  // nginx inherits the server's add_header lines only into locations without any of their own.
  const directives = NGINX_CONF.replace(/#.*$/gm, '');
  const locations = [...directives.matchAll(/location\s+([^{]+)\{([^}]*)\}/g)];
  assert.ok(locations.length >= 3);
  const server = directives.replace(/location\s+[^{]+\{[^}]*\}/g, '');
  for (const scope of [server, ...locations.filter((l) => l[2]!.includes('add_header')).map((l) => l[2]!)]) {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      assert.ok(new RegExp(`add_header\\s+${name}\\s+"${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s+always;`, 'i').test(scope), `${name} missing in a scope:\n${scope.slice(0, 200)}`);
    }
  }
});

const nginxTool = NGINX_TOOL();
nginxTool.test('nginx.conf served for real: SPA fallback, asset caching, health, headers', async () => {
  const dist = path.join(REPO_ROOT, 'client', 'dist');
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'client/dist is not built (npm run build:client)');
  const asset = fs.readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-nginx-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  // Our server block as the image installs it, with the port and web root of this machine,
  // inside the smallest main configuration that runs as this user.
  const server = NGINX_CONF.replace(/listen 8080;/, `listen 127.0.0.1:${port};`).replace(/\s*listen \[::\]:8080;/, '').replace('/usr/share/nginx/html', dist);
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, name)};`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `
    daemon off; master_process off; worker_processes 1; pid ${path.join(dir, 'nginx.pid')};
    error_log stderr warn;
    events { worker_connections 64; }
    http {
      include /etc/nginx/mime.types; default_type application/octet-stream; access_log off;
      ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
      ${server}
    }`);
  let child: ChildProcess | undefined;
  try {
    const syntax = await run(toolPath(nginxTool), ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')]);
    assert.is(syntax.code, 0, syntax.stderr);
    child = spawn(toolPath(nginxTool), ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const base = `http://127.0.0.1:${port}`;
    assert.ok((await pollUntil(async () => (await fetch(`${base}/nginx-health`)).ok, 5000)) !== undefined, `nginx did not start: ${stderr}`);
    const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
    const get = async (p: string) => {
      const response = await fetch(base + p);
      return { status: response.status, body: await response.text(), headers: response.headers };
    };
    const health = await get('/nginx-health');
    assert.is(health.status, 200);
    assert.is(health.body.trim(), 'ok');

    for (const route of ['/', '/stats', '/settings/account']) {
      const page = await get(route);
      assert.is(page.status, 200, route);
      assert.is(page.body, index, `${route} must answer with the app`);
      assert.is(page.headers.get('cache-control'), 'no-cache', route);
    }
    const script = await get(`/assets/${asset}`);
    assert.is(script.status, 200);
    assert.match(script.headers.get('cache-control') ?? '', /max-age=31536000/);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    const missing = await get('/assets/not-there.js');
    assert.is(missing.status, 404, 'a missing asset must not be answered with index.html');

    for (const p of ['/', '/stats', `/assets/${asset}`, '/assets/not-there.js', '/nginx-health']) {
      const { headers } = await get(p);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.is(headers.get(name), value, `${name} on ${p}`);
      assert.match(headers.get('content-security-policy') ?? '', /connect-src 'self' wss:\/\/127\.0\.0\.1/, `CSP on ${p}`);
      assert.is(headers.get('server'), 'nginx', `${p}: server_tokens off hides the version`);
    }
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
