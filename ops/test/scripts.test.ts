// ops/scripts and the Makefile: shellcheck, the scripts' conventions, health-check.sh against
// servers that misbehave, deploy.sh with a stand-in `docker`, and `make help`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { REPO_ROOT, run, runScript } from './support.ts';
import { SHELLCHECK_TOOL, toolPath } from '../../server/test/support/system-tools.ts';

const shellcheck = SHELLCHECK_TOOL();

const SCRIPTS_DIR = path.join(REPO_ROOT, 'ops', 'scripts');
const scripts = fs.readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.sh')).sort();
const HEALTHY = '{"status":"healthy","database":"connected","logging":"configured"}';

/** A /health stand-in answering each request with the next of `answers` (the last repeats). */
async function healthServer(answers: Array<{ status: number; body: string }>): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = http.createServer((_req, res) => {
    const answer = answers[Math.min(count++, answers.length - 1)]!;
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

shellcheck.test('shellcheck passes on every script in ops/scripts', async () => {
  assert.ok(scripts.length >= 5, `found ${scripts.join(', ')}`);
  const version = execFileSync(toolPath(shellcheck), ['--version'], { encoding: 'utf8' });
  assert.match(version, /version: \d/);
  const result = await run(toolPath(shellcheck), ['--external-sources', '--severity=style', ...scripts.map((s) => path.join('ops/scripts', s))]);
  assert.is(result.code, 0, result.stdout + result.stderr);
});

test('each script: bash, strict mode, executable, a usage line', () => {
  for (const script of scripts) {
    const text = fs.readFileSync(path.join(SCRIPTS_DIR, script), 'utf8');
    const mode = fs.statSync(path.join(SCRIPTS_DIR, script)).mode;
    if (script === 'lib.sh') {
      // Sourced by the others, never run: no shebang, not executable.
      assert.match(text, /^# shellcheck shell=bash/);
      assert.is(mode & 0o111, 0, 'lib.sh should not be executable');
      continue;
    }
    assert.ok(text.startsWith('#!/usr/bin/env bash\n'), `${script}: shebang`);
    assert.match(text, /^set -euo pipefail$/m, `${script}: set -euo pipefail`);
    assert.ok(mode & 0o100, `${script} is not executable`);
    assert.match(text, /^usage: /m, `${script}: usage text`);
  }
});

test('health-check.sh: succeeds on the exact JSON, retries with a growing delay, fails after N attempts', async () => {
  const flaky = await healthServer([{ status: 503, body: '{"status":"unhealthy","database":"disconnected","logging":"configured"}' }, { status: 502, body: 'Bad Gateway' }, { status: 200, body: HEALTHY }]);
  const t0 = Date.now();
  const recovered = await runScript('health-check.sh', [flaky.url], { HEALTH_ATTEMPTS: '4', HEALTH_DELAY: '0.2' });
  const elapsed = Date.now() - t0;
  await flaky.close();
  assert.is(recovered.code, 0, recovered.stderr);
  assert.is(flaky.requests(), 3);
  assert.match(recovered.stderr, /attempt 1\/4: .* answered 503/);
  assert.match(recovered.stderr, /attempt 2\/4: .* answered 502/);
  assert.ok(elapsed >= 550, `waited ${elapsed} ms; expected 0.2 s then 0.4 s`);

  // A 200 is not enough: the body must be exactly the healthy JSON.
  for (const body of ['{"status":"unhealthy","database":"disconnected","logging":"configured"}', '{"database":"connected","status":"healthy","logging":"configured"}', '<!doctype html><title>FingerFlow</title>']) {
    const wrong = await healthServer([{ status: 200, body }]);
    const result = await runScript('health-check.sh', [wrong.url], { HEALTH_ATTEMPTS: '2', HEALTH_DELAY: '0.05' });
    await wrong.close();
    assert.is(result.code, 1, body);
    assert.is(wrong.requests(), 2);
    assert.match(result.stderr, /not healthy after 2 attempts/);
  }

  const nothing = await runScript('health-check.sh', [`http://127.0.0.1:${await freePort()}/health`], { HEALTH_ATTEMPTS: '2', HEALTH_DELAY: '0.05' });
  assert.is(nothing.code, 1);
  assert.match(nothing.stderr, /answered 000/);

  const bad = await runScript('health-check.sh', ['http://127.0.0.1/health'], { HEALTH_ATTEMPTS: 'many' });
  assert.is(bad.code, 2);
});

test('deploy.sh: build, up, wait for health, print the rollback; failing health shows logs and exits 1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-deploy-'));
  const log = path.join(dir, 'docker.log');
  // A stand-in docker that records its arguments; `compose ps` reports no running postgres,
  // so deploy.sh skips the pre-deploy backup (there is no database to back up yet).
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), '#!/usr/bin/env bash\necho "$*" >> "$FAKE_DOCKER_LOG"\n', { mode: 0o755 });
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(envFile, 'DOMAIN=typing.example.org\nSECRET_KEY=x\n');
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const env = (url: string) => ({ PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, FAKE_DOCKER_LOG: log, ENV_FILE: envFile, HEALTH_URL: url, HEALTH_ATTEMPTS: '2', HEALTH_DELAY: '0.05' });
  const compose = `compose -f ${path.join(REPO_ROOT, 'docker-compose.prod.yml')} --env-file ${envFile}`;
  try {
    const healthy = await healthServer([{ status: 200, body: HEALTHY }]);
    const ok = await runScript('deploy.sh', ['--no-pull'], env(healthy.url));
    await healthy.close();
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(fs.readFileSync(log, 'utf8').trim().split('\n'), [`${compose} ps --status running --quiet postgres`, `${compose} build`, `${compose} up -d --remove-orphans`]);
    assert.match(ok.stdout, new RegExp(`git checkout --detach ${head} && docker compose -f \\S+docker-compose.prod.yml --env-file \\S+ up -d --build`));

    fs.rmSync(log);
    const sick = await healthServer([{ status: 503, body: '{"status":"unhealthy","database":"disconnected","logging":"configured"}' }]);
    const failed = await runScript('deploy.sh', ['--no-pull', '--no-backup'], env(sick.url));
    await sick.close();
    assert.is(failed.code, 1);
    assert.match(failed.stderr, /not healthy/);
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    assert.not.ok(calls.some((c) => c.includes(' ps --status running')), '--no-backup must not look for a database to back up');
    assert.ok(calls.includes(`${compose} logs --tail=30 migrate ingest sidecar`), calls.join('\n'));
    assert.match(failed.stdout, /to roll back/);

    const noEnv = await runScript('deploy.sh', ['--no-pull'], { ...env(healthy.url), ENV_FILE: path.join(dir, 'missing.env') });
    assert.is(noEnv.code, 1);
    assert.match(noEnv.stderr, /\.env\.production\.template/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('make help lists every target once, each marked local, compose or both', async () => {
  const makefile = fs.readFileSync(path.join(REPO_ROOT, 'Makefile'), 'utf8');
  const documented = [...makefile.matchAll(/^([a-zA-Z_-]+):.*## /gm)].map((m) => m[1]!);
  for (const target of ['help', 'install', 'start', 'test', 'build', 'up', 'down', 'restart', 'logs', 'ps', 'status', 'health', 'migrate', 'backup', 'restore', 'psql', 'loadtest', 'bench', 'clean']) {
    assert.ok(documented.includes(target), `no documented target ${target}`);
  }
  const result = await run('make', ['--no-print-directory', 'help']);
  assert.is(result.code, 0, result.stderr);
  const lines = result.stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter(Boolean);
  assert.is(lines.length, documented.length, result.stdout);
  for (const target of documented) {
    const line = lines.filter((l) => l.trim().split(/\s+/)[0] === target);
    assert.is(line.length, 1, `${target} listed ${line.length} times`);
    if (target !== 'help') assert.match(line[0]!, /\s\[(local|compose|local\|compose)\] \S/, `${target}: no [local]/[compose] mark`);
  }
  // `make` alone is `make help`.
  const bare = await run('make', ['--no-print-directory']);
  assert.is(bare.stdout, result.stdout);
  const phony = /^\.PHONY:(.*)$/m.exec(makefile)![1]!.trim().split(/\s+/);
  assert.equal([...phony].sort(), [...documented].sort());
});

test('make targets act locally by default and on compose with TARGET=compose', async () => {
  const dryRun = async (...args: string[]) => {
    const result = await run('make', ['--no-print-directory', '-n', ...args]);
    assert.is(result.code, 0, result.stderr);
    return result.stdout;
  };
  const COMPOSE = 'docker compose -f docker-compose.prod.yml --env-file .env';
  assert.match(await dryRun('backup'), /^ops\/scripts\/backup\.sh\s*$/m);
  assert.match(await dryRun('backup', 'TARGET=compose'), /^ops\/scripts\/backup\.sh --compose$/m);
  assert.match(await dryRun('restore', 'FILE=b.dump', 'CONFIRM=yes', 'TARGET=compose'), /ops\/scripts\/restore\.sh "b\.dump" --yes-i-am-sure --compose/);
  assert.not.match(await dryRun('restore', 'FILE=b.dump'), /--yes-i-am-sure/);
  assert.match(await dryRun('migrate'), /npm run --silent migrate/);
  assert.ok((await dryRun('migrate', 'TARGET=compose')).includes(`${COMPOSE} run --rm migrate`));
  assert.match(await dryRun('build'), /npm run build:client/);
  assert.ok((await dryRun('build', 'TARGET=compose')).includes(`${COMPOSE} build`));
  assert.ok((await dryRun('up')).includes(`${COMPOSE} up -d`));
  assert.ok((await dryRun('psql', 'TARGET=compose')).includes(`${COMPOSE} exec postgres`));
  assert.match(await dryRun('health', 'TARGET=compose', 'DOMAIN=typing.example.org'), /health-check\.sh "https:\/\/typing\.example\.org\/health"/);
  const localOnly = await run('make', ['--no-print-directory', 'start', 'TARGET=compose']);
  assert.is(localOnly.code, 2);
  assert.match(localOnly.stderr, /\[local\] only; for the deployment use: make up/);
  const badTarget = await run('make', ['--no-print-directory', 'help', 'TARGET=prod']);
  assert.is.not(badTarget.code, 0);
  assert.match(badTarget.stderr, /TARGET must be local or compose/);
});

test('make loadtest passes ARGS to npm run load; make bench runs all three benchmarks', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-make-'));
  try {
    fs.copyFileSync(path.join(REPO_ROOT, 'Makefile'), path.join(dir, 'Makefile'));
    const scripts = { load: 'echo load-ran', bench: 'echo side-by-side-ran', 'bench:ingest': 'echo ingest-bench-ran', 'bench:analytics': 'echo analytics-bench-ran' };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', private: true, scripts }));
    const load = await run('make', ['--no-print-directory', 'loadtest', 'ARGS=--clients 5000 --transport socketio'], {}, { cwd: dir });
    assert.is(load.code, 0, load.stderr);
    assert.match(load.stdout, /load-ran --clients 5000 --transport socketio/);
    const bench = await run('make', ['--no-print-directory', 'bench'], {}, { cwd: dir });
    assert.is(bench.code, 0, bench.stderr);
    for (const ran of ['side-by-side-ran', 'ingest-bench-ran', 'analytics-bench-ran']) assert.match(bench.stdout, new RegExp(ran));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
