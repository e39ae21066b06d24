// ops/scripts and the Makefile: shellcheck, the scripts' conventions, health-check.sh against
// servers that misbehave, deploy.sh with a stand-in `docker`, and `make help`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../server/test/support/test-postgres.ts';
import { REPO_ROOT, run, runScript } from './support.ts';
import { SHELLCHECK_TOOL, toolPath } from '../../server/test/support/system-tools.ts';

const shellcheck = SHELLCHECK_TOOL();
import { fakeDeployment } from './fake-docker.ts';

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

const HEAD = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DIRTY = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
const NEW_TAG = `${VERSION}-${HEAD}${DIRTY ? '-dirty' : ''}`;

test('deploy.sh: tags VERSION-COMMIT, pulls bases, builds, migrates, starts, waits for every container, records the tag', async () => {
  const fake = fakeDeployment({ healthyTags: [NEW_TAG], images: [] });
  const healthy = await healthServer([{ status: 200, body: HEALTHY }]);
  try {
    const result = await runScript('deploy.sh', ['--no-pull'], fake.env({ HEALTH_URL: healthy.url }));
    assert.is(result.code, 0, result.stdout + result.stderr);
    const compose = `compose -f ${path.join(REPO_ROOT, 'docker-compose.prod.yml')} --env-file ${path.join(fake.dir, '.env')}`;
    const calls = fake.calls().filter((c) => !c.endsWith('compose version --short'));
    assert.equal(calls.slice(0, 4), [`${NEW_TAG}|${compose} build --pull`, `${NEW_TAG}|${compose} ps --status running --quiet postgres`, `${NEW_TAG}|${compose} run --rm migrate`, `${NEW_TAG}|${compose} up -d --remove-orphans`]);
    assert.ok(calls.slice(4).every((c) => c.startsWith(`${NEW_TAG}|${compose} ps --all --format`)), calls.join('\n'));
    assert.is(fake.state('current-tag'), NEW_TAG);
    assert.match(result.stdout, new RegExp(`deployed ${NEW_TAG}`));
  } finally {
    await healthy.close();
    fake.close();
  }
});

test('deploy.sh: a crash-looping ingest replica fails the deploy, and the previous tag is started again', async () => {
  const previous = `0.0.9-${HEAD}`;
  const fake = fakeDeployment({ healthyTags: [previous], images: [previous], currentTag: previous });
  const healthy = await healthServer([{ status: 200, body: HEALTHY }]);
  try {
    const result = await runScript('deploy.sh', ['--no-pull', '--no-backup'], fake.env({ HEALTH_URL: healthy.url }));
    assert.is(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /not healthy after 1 s: ingest \(restarting\)/);
    assert.match(result.stderr, new RegExp(`rolling back to ${previous}`));
    assert.match(result.stderr, new RegExp(`rolled back; ${previous} runs again`));
    assert.ok(fake.calls().some((c) => c.startsWith(`${previous}|`) && c.endsWith(' up -d --no-build --remove-orphans')), fake.calls().join('\n'));
    assert.ok(fake.calls().some((c) => c.endsWith(' logs --tail=30 migrate ingest sidecar client')));
    assert.is(fake.state('current-tag'), previous, 'the failed tag must not be recorded');
    assert.is(healthy.requests(), 0, 'Traefik is asked only once every container is healthy');
  } finally {
    await healthy.close();
    fake.close();
  }
});

test('deploy.sh: after applying migrations the previous code does not know, it stops and says how to restore', async () => {
  // The commit just before the newest migration was added: its code does not know that one.
  // The newest file present, not the newest ever added: a migration added and taken back
  // before any release leaves a commit that adds a file the checkout no longer has.
  const newest = fs.readdirSync(path.join(REPO_ROOT, 'sql/migrations')).filter((f) => f.endsWith('.sql')).sort().at(-1)!;
  const added = execFileSync('git', ['log', '--diff-filter=A', '--format=%H', '-1', '--', `sql/migrations/${newest}`], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const before = execFileSync('git', ['rev-parse', '--short=12', `${added}^`], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const previous = `0.0.1-${before}`;
  const fake = fakeDeployment({ healthyTags: [previous], images: [previous], currentTag: previous });
  try {
    const result = await runScript('deploy.sh', ['--no-pull', '--no-backup'], fake.env({ HEALTH_URL: 'http://127.0.0.1:9/health' }));
    assert.is(result.code, 1);
    assert.match(result.stderr, /applied migrations that .* does not know:\n {2}sql\/migrations\/\d{4}_\w+\.sql/);
    assert.match(result.stderr, /make restore FILE=.* CONFIRM=yes TARGET=compose\n {2}make rollback TAG=0\.0\.1-/);
    assert.not.ok(fake.calls().some((c) => c.includes('--no-build')), 'no automatic rollback onto a schema the old code refuses');
  } finally {
    fake.close();
  }
});

test('rollback.sh: lists tags, refuses unknown ones, starts a known one without building and records it', async () => {
  const older = `0.0.8-${HEAD}`;
  const fake = fakeDeployment({ healthyTags: [older], images: [older, NEW_TAG], currentTag: NEW_TAG });
  try {
    const list = await runScript('rollback.sh', [], fake.env());
    assert.is(list.code, 2);
    assert.match(list.stderr, new RegExp(`running: ${NEW_TAG}`));
    const unknown = await runScript('rollback.sh', ['0.0.1-000000000000'], fake.env());
    assert.is(unknown.code, 1);
    assert.match(unknown.stderr, /no images fingerflow-\{ingest,sidecar,client\}:0\.0\.1-000000000000/);
    const ok = await runScript('rollback.sh', [older], fake.env());
    assert.is(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok(fake.calls().some((c) => c.startsWith(`${older}|`) && c.endsWith(' up -d --no-build --remove-orphans')));
    assert.not.ok(fake.calls().some((c) => / build\b/.test(c.split('|')[1]!) && !c.includes('--no-build')), 'a rollback never builds');
    assert.is(fake.state('current-tag'), older);
    assert.is(fake.state('previous-tag'), NEW_TAG);
    const named = await run('make', ['--no-print-directory', '-n', 'rollback', `TAG=${older}`]);
    assert.match(named.stdout, new RegExp(`ops/scripts/rollback\\.sh ${older}`));
  } finally {
    fake.close();
  }
});

test('Compose v1 or no Compose: backup, restore and deploy stop with one clear message', async () => {
  const fake = fakeDeployment({ healthyTags: [], images: [] });
  // docker without the compose plugin, and Debian 12's docker-compose 1.29.
  fs.writeFileSync(path.join(fake.dir, 'bin', 'docker'), '#!/usr/bin/env bash\n[[ $1 == compose ]] && { echo "docker: \'compose\' is not a docker command." >&2; exit 1; }\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(path.join(fake.dir, 'bin', 'docker-compose'), '#!/usr/bin/env bash\n[[ $* == "version --short" ]] && { echo 1.29.2; exit 0; }\nexit 1\n', { mode: 0o755 });
  const dump = path.join(fake.dir, 'good.dump');
  fs.writeFileSync(dump, 'PGDMP');
  try {
    for (const [script, args] of [['backup.sh', ['--compose']], ['restore.sh', [dump, '--yes-i-am-sure', '--compose']], ['deploy.sh', ['--no-pull']], ['compose.sh', ['ps']]] as const) {
      const result = await runScript(script, [...args], fake.env());
      assert.is(result.code, 1, `${script}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /found Docker Compose v1 \(docker-compose 1\.29\.2\).*install Compose v2: apt-get install docker-compose-plugin/, script);
      assert.not.match(result.stderr, /pg_dump failed|cannot read|cannot be read/, script);
    }
    fs.rmSync(path.join(fake.dir, 'bin', 'docker-compose'));
    const none = await runScript('backup.sh', ['--compose'], fake.env());
    assert.match(none.stderr, /docker is installed but Compose v2 is not/);
    // A v2 docker-compose binary (some distributions package it so) is used as is.
    fs.writeFileSync(path.join(fake.dir, 'bin', 'docker-compose'), '#!/usr/bin/env bash\n[[ $* == "version --short" ]] && { echo 2.26.1; exit 0; }\necho "v2 ran: $*"\n', { mode: 0o755 });
    const v2 = await runScript('compose.sh', ['ps'], fake.env());
    assert.is(v2.code, 0, v2.stderr);
    assert.match(v2.stdout, /v2 ran: -f \S+docker-compose\.prod\.yml --env-file \S+ ps/);
  } finally {
    fake.close();
  }
});

test("the seed's backup path and cron line keep working: scripts/backup-db.sh runs backup.sh --compose from anywhere", async () => {
  const seed = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOY.md'), 'utf8');
  assert.match(seed, /0 2 \* \* \* \/opt\/fingerflow\/scripts\/backup-db\.sh >> \/var\/log\/fingerflow-backup\.log 2>&1/, 'DEPLOY.md keeps the seed cron line');
  const fake = fakeDeployment({ healthyTags: [], images: [] });
  try {
    // Through a symlink standing in for /opt/fingerflow, from another working folder, as cron runs it.
    const link = path.join(fake.dir, 'opt-fingerflow');
    fs.symlinkSync(REPO_ROOT, link);
    const result = await run('bash', ['-c', `cd / && ${link}/scripts/backup-db.sh`], fake.env({ BACKUP_DIR: path.join(fake.dir, 'backups') }));
    const calls = fake.calls().map((c) => c.split('|')[1]!);
    // The dump is asked of the compose postgres service (the stand-in has no database, so it fails after that).
    assert.ok(calls.some((c) => c.includes(' exec -T postgres sh -c ') && c.endsWith('pg_dump --format=custom --no-password')), calls.join('\n') + result.stderr);
    const help = await run(path.join(REPO_ROOT, 'scripts', 'backup-db.sh'), ['--help']);
    assert.is(help.code, 0);
  } finally {
    fake.close();
  }
});

test('make help lists every target once, each marked local, compose or both', async () => {
  const makefile = fs.readFileSync(path.join(REPO_ROOT, 'Makefile'), 'utf8');
  const documented = [...makefile.matchAll(/^([a-zA-Z_-]+):.*## /gm)].map((m) => m[1]!);
  for (const target of ['help', 'install', 'start', 'test', 'build', 'up', 'down', 'restart', 'logs', 'ps', 'status', 'health', 'migrate', 'backup', 'restore', 'psql', 'loadtest', 'bench', 'deploy', 'rollback', 'clean']) {
    assert.ok(documented.includes(target), `no documented target ${target}`);
  }
  const result = await run('make', ['--no-print-directory', 'help']);
  assert.is(result.code, 0, result.stderr);
  const lines = stripVTControlCharacters(result.stdout).split('\n').filter(Boolean);
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
  const COMPOSE = 'ops/scripts/compose.sh';
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

test('make targets that cannot go on say why in one line, never with a Node stack trace', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-nostack-'));
  try {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['psql'], { DATA_DIR: empty }, /database-url: no embedded database in .* run `npm start` first/],
      [['backup'], { DATA_DIR: empty }, /cannot find the local database \(is `npm start` running\? or set DATABASE_URL\)/],
      [['migrate'], { DATABASE_URL: `postgres://u:p@127.0.0.1:${await freePort()}/none` }, /^migrate: connect ECONNREFUSED/m],
      [['restore', 'FILE=/nonexistent.dump', 'CONFIRM=yes'], {}, /no readable backup file at \/nonexistent\.dump/],
    ];
    for (const [args, env, message] of cases) {
      const result = await run('make', ['--no-print-directory', ...args], env);
      assert.is.not(result.code, 0, args.join(' '));
      assert.match(result.stderr, message, `make ${args.join(' ')}: ${result.stderr}`);
      assert.not.match(result.stderr, /\n\s+at .*\(.*:\d+:\d+\)|node:internal/, `make ${args.join(' ')} printed a stack:\n${result.stderr}`);
    }
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
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
