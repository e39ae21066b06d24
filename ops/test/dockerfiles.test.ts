// The Dockerfiles and nginx.conf of ops/docker. Docker cannot build here, so the files are
// read; nginx can run here, so its configuration is also served for real when nginx exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { rawCompose } from './compose-model.ts';
import { nginxTool, startNginx } from './nginx-harness.ts';
import { REPO_ROOT } from './support.ts';

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
  assert.match(one(runtime, 'FROM')!, /^nginxinc\/nginx-unprivileged:1\.(?:2[89]|[3-9]\d)\b/, 'a supported nginx branch (1.27 is superseded)');
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
  // The repeated lines are the server's lines to the letter (the policy included), so editing
  // one copy of the content security policy and not the others fails here.
  const headerLines = (scope: string) => new Map([...scope.matchAll(/add_header\s+(\S+)\s+("[^"]*")\s+always;/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  const serverHeaders = headerLines(server);
  assert.ok(serverHeaders.has('content-security-policy'));
  for (const location of locations.filter((l) => l[2]!.includes('add_header'))) {
    const own = headerLines(location[2]!);
    for (const [name, value] of serverHeaders) assert.is(own.get(name), value, `${name} in location ${location[1]!.trim()}`);
  }
});

/** The paths Traefik sends to the sidecar or ingest, from their routers' rules in compose. */
function routedPaths(): string[] {
  const compose = rawCompose();
  const paths: string[] = [];
  for (const service of ['sidecar', 'ingest']) {
    const labels = compose.services[service]!.labels as Record<string, string>;
    for (const [key, rule] of Object.entries(labels)) {
      if (!/^traefik\.http\.routers\.[^.]+\.rule$/.test(key)) continue;
      for (const m of rule.matchAll(/Path(?:Prefix)?\(`([^`]+)`\)/g)) paths.push(m[1]!);
    }
  }
  return paths;
}

nginxTool.test('nginx.conf served for real: SPA fallback, asset caching, health, headers, no fall-through', async () => {
  const dist = path.join(REPO_ROOT, 'client', 'dist');
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'client/dist is not built (npm run build:client)');
  const asset = fs.readdirSync(path.join(dist, 'assets')).find((f) => f.endsWith('.js'))!;
  const nginx = await startNginx(NGINX_CONF, dist);
  try {
    const base = nginx.base;
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

    // No fall-through: every path a sidecar or ingest router takes (read from the compose
    // labels, so a new route cannot be forgotten here) answers 503 JSON, whatever the method.
    const routed = routedPaths();
    assert.ok(routed.length >= 5, `routed paths: ${routed.join(', ')}`);
    for (const prefix of routed) {
      for (const p of prefix.endsWith('/') ? [prefix, `${prefix}?EIO=4&transport=polling`] : [prefix, `${prefix}/v1/thing`]) {
        if (prefix === '/health' && p !== prefix) continue;
        for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
          const response = await fetch(base + p, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) });
          const body = await response.text();
          assert.is(response.status, 503, `${method} ${p}: ${body.slice(0, 80)}`);
          assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${method} ${p}`);
          assert.is((JSON.parse(body) as { error: { code: string } }).error.code, 'SERVICE_UNAVAILABLE', `${method} ${p}`);
          assert.is(response.headers.get('retry-after'), '5');
          assert.is(response.headers.get('x-frame-options'), 'DENY', `${method} ${p}`);
        }
      }
    }
    // A WebSocket upgrade is refused the same way, not answered with the page.
    const upgradeStatus = await new Promise<number>((resolve, reject) => {
      const request = http.get(`${base}/ws?ticket=x`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      request.once('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.once('upgrade', () => resolve(101));
      request.once('error', reject);
    });
    assert.is(upgradeStatus, 503);
    // Paths that merely start like a routed one stay with the app, exactly as Traefik sends them.
    for (const p of ['/healthy', '/stats/api', '/about/health']) assert.is((await get(p)).body, index, `${p} is the app's`);

    for (const p of ['/', '/stats', `/assets/${asset}`, '/assets/not-there.js', '/nginx-health', '/api/me']) {
      const { headers } = await get(p);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.is(headers.get(name), value, `${name} on ${p}`);
      assert.match(headers.get('content-security-policy') ?? '', /connect-src 'self' wss:\/\/127\.0\.0\.1/, `CSP on ${p}`);
      assert.is(headers.get('server'), 'nginx', `${p}: server_tokens off hides the version`);
    }
  } finally {
    await nginx.stop();
  }
});

test.run();
