// `npm test`: starts a PostgreSQL of its own (or uses TEST_DATABASE_URL), migrates a template
// database, then runs the static checks and every *.test.ts file in its own process, two at
// a time (one per core), and ends with the line `N passed, N failed, N skipped`.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { externalTestDatabaseUrl, inheritedEnv, TEST_ENV } from '../config/test-env.ts';
import { migrate } from '../db/migrations.ts';
import { withDatabase } from './support/database.ts';
import { startTestPostgres, type TestPostgres } from './support/test-postgres.ts';
import fs from 'node:fs';
import { discoverTestFiles, findOnly, parseUvuSummary, skipReasons, type FileResult } from './runner-support.ts';
import { SKIP_MARK } from './support/system-tools.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FILE_TIMEOUT_MS = 240_000;
const TEMPLATE_DB = 'ff_template';
const filter = process.argv.slice(2);

interface Job {
  name: string;
  command: string[];
  kind: 'check' | 'tests';
}

const started = Date.now();
let testPg: TestPostgres | undefined;
const running = new Set<ChildProcess>();
let stopping: Promise<never> | undefined;
// Ctrl-C, a CI timeout or a failed template must not leave the throwaway PostgreSQL (and its
// temporary folder) behind: stop the test files, then the server, then exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopEverything(`${signal} received`, 130));
const external = externalTestDatabaseUrl();
const adminUrl = external ?? (testPg = await startTestPostgres()).server.url();
await prepareTemplate(adminUrl).catch((error: unknown) => stopEverything(`the template database could not be prepared: ${String(error)}`, 1));

const jobs: Job[] = [];
if (filter.length === 0) {
  jobs.push({ name: 'typecheck (tsc, server + shared)', command: [path.join(root, 'node_modules', '.bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'], kind: 'check' });
  jobs.push({ name: 'typecheck (svelte-check, client)', command: [path.join(root, 'node_modules', '.bin', 'svelte-check'), '--tsconfig', './client/tsconfig.json', '--threshold', 'warning', '--fail-on-warnings', '--output', 'human'], kind: 'check' });
  jobs.push({ name: 'lint (eslint, zero warnings)', command: [path.join(root, 'node_modules', '.bin', 'eslint'), '.', '--max-warnings', '0'], kind: 'check' });
}
for (const file of discoverTestFiles(root, filter)) jobs.push({ name: file, command: [process.execPath, '--import', 'tsx', file], kind: 'tests' });

const env = { ...inheritedEnv(), NO_COLOR: '1', FORCE_COLOR: '0', [TEST_ENV.adminUrl]: adminUrl, [TEST_ENV.templateDb]: TEMPLATE_DB };
const results: FileResult[] = [];
const queue = [...jobs];
await Promise.all([worker(), worker()]);
// Stopped by a signal: the killed files are not failures to report; stopEverything exits.
if (stopping) await stopping;

if (testPg) await testPg.destroy();
else await dropTemplate(adminUrl);

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const skipped = results.reduce((n, r) => n + r.skipped, 0);
const failures = results.filter((r) => r.failed > 0);
const skips = results.flatMap((r) => skipReasons(r.output, SKIP_MARK).map((reason) => `  ${r.name}: ${reason}`));
if (skipped > 0) {
  process.stdout.write(`\nSkipped (${skipped}):\n${skips.length ? skips.join('\n') : '  (no reason printed)'}\n`);
}
if (failures.length) {
  process.stdout.write(`\nFailed:\n${failures.map((r) => `  ${r.name} (${r.failed})`).join('\n')}\n`);
}
process.stdout.write(`\n${jobs.length} files and checks in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 ? 1 : 0);

async function worker(): Promise<void> {
  for (let job = queue.shift(); job && !stopping; job = queue.shift()) {
    const result = await runJob(job);
    if (stopping) return;
    results.push(result);
    const status = result.failed ? 'FAIL' : 'ok  ';
    const counts = job.kind === 'check' ? '' : ` ${result.passed} passed${result.skipped ? `, ${result.skipped} skipped` : ''}${result.failed ? `, ${result.failed} failed` : ''}`;
    process.stdout.write(`${status} ${job.name}${counts} (${(result.ms / 1000).toFixed(1)} s)\n`);
    if (result.failed) process.stdout.write(indent(result.output));
  }
}

function runJob(job: Job): Promise<FileResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(job.command[0]!, job.command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      output += `\n[runner] killed after ${FILE_TIMEOUT_MS / 1000} s\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.once('close', (code) => {
      running.delete(child);
      clearTimeout(timer);
      const ms = Date.now() - t0;
      if (job.kind === 'check') {
        resolve({ name: job.name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, ms, output });
        return;
      }
      const summary = parseUvuSummary(output);
      const onlyLines = findOnly(fs.readFileSync(path.join(root, job.name), 'utf8'));
      if (onlyLines.length) {
        resolve({ name: job.name, passed: 0, failed: 1, skipped: 0, ms, output: `${output}\n[runner] .only( on line ${onlyLines.join(', ')}: it would hide every other test of the file` });
        return;
      }
      if (summary && summary.total === 0 && summary.skipped === 0) {
        resolve({ name: job.name, passed: 0, failed: 1, skipped: 0, ms, output: `${output}\n[runner] the file registers no test` });
        return;
      }
      if (!summary) {
        resolve({ name: job.name, passed: 0, failed: 1, skipped: 0, ms, output: `${output}\n[runner] no uvu summary (exit code ${code}): the file crashed or never ran its tests` });
        return;
      }
      // A file whose tests all passed but that exits non-zero (a crash after the summary) still fails.
      const failed = summary.total - summary.passed + (code !== 0 && summary.total === summary.passed ? 1 : 0);
      // uvu counts every test of a file as failed when its before hook throws, and prints no
      // reason: say where to look instead of leaving a bare "0 / N".
      const unexplained = failed > 0 && !/\bFAIL\b/.test(output) ? '\n[runner] tests failed without a reason: a before or after hook probably threw; run the file alone: node --import tsx ' + job.name : '';
      resolve({ name: job.name, passed: summary.passed, failed, skipped: summary.skipped, ms, output: output + unexplained });
    });
  });
}

function stopEverything(why: string, exitCode: number): Promise<never> {
  stopping ??= stopAndExit(why, exitCode);
  return stopping;
}

async function stopAndExit(why: string, exitCode: number): Promise<never> {
  process.stderr.write(`\n[runner] stopping: ${why}\n`);
  for (const child of running) child.kill('SIGKILL');
  if (testPg) await testPg.destroy().catch((error: unknown) => process.stderr.write(`[runner] test PostgreSQL not stopped: ${String(error)}\n`));
  process.exit(exitCode);
}

async function prepareTemplate(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const client = new pg.Client({ connectionString: withDatabase(url, TEMPLATE_DB) });
  await client.connect();
  await migrate(client);
  await client.end();
}

async function dropTemplate(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.end();
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n') + '\n';
}
