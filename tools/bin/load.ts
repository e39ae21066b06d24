// `npm run load -- [options]`: scripted typists against a FingerFlow deployment, reached by
// URL only (it reads no server configuration and writes nothing but the files asked for),
// a live progress line, a report that says whether every acknowledged keystroke was stored
// exactly once, and thresholds. Exit codes: 0 ok, 1 loss or a failed threshold, 2 usage or
// cannot start, 3 could not verify. docs/LOAD-TESTING.md is the manual.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { loadToolToken } from '../../server/config/load-tool-env.ts';
import { parseLoadArgs, usage } from '../load/cli/options.ts';
import { resolveRun, UsageError, type ResolvedRun } from '../load/cli/settings.ts';
import { EXIT, exitCodeFor } from '../load/exit-codes.ts';
import { htmlReport } from '../load/html-report.ts';
import { openMetrics } from '../load/openmetrics.ts';
import { Outage } from '../load/outage.ts';
import { createProgress } from '../load/progress.ts';
import { printReport } from '../load/report.ts';
import { mergeResults, TOOL, type LoadResult } from '../load/result.ts';
import { runLoadDetailed } from '../load/run-load.ts';
import type { RunStats } from '../load/run-stats.ts';
import { LoadtestApi } from '../load/sidecar-api.ts';
import { evaluateThresholds } from '../load/thresholds.ts';
import { runWorkers } from '../load/workers.ts';

let run: ResolvedRun;
try {
  const args = parseLoadArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${usage()}\n`);
    process.exit(EXIT.OK);
  }
  run = resolveRun(args, loadToolToken());
  if (args['cleanup-only'] && !args['run-tag']) throw new UsageError('--cleanup-only needs the --run-tag of the run to remove');
} catch (error) {
  process.stderr.write(`load: ${(error as Error).message}\n(npm run load -- --help lists every option)\n`);
  process.exit(EXIT.USAGE);
}

const { settings } = run;
const api = new LoadtestApi(settings.url, run.token, settings.runTag);
if (process.argv.includes('--cleanup-only')) {
  try {
    const removed = await api.cleanup();
    process.stdout.write(`cleanup: ${removed.sessions} sessions of run ${settings.runTag} removed with their users and keystrokes\n`);
    process.exit(EXIT.OK);
  } catch (error) {
    process.stderr.write(`load: ${(error as Error).message}\n`);
    process.exit(EXIT.USAGE);
  }
}
let cleanedUp = false;
let result: LoadResult;
try {
  result = settings.workers > 1 ? mergeResults(await runWorkers(run)) : await runHere(run);
} catch (error) {
  process.stderr.write(`load: ${(error as Error).message}\n`);
  process.exit(EXIT.USAGE);
}
result.settings = settings;
result.thresholds = evaluateThresholds(run.thresholds, result);
result.exitCode = exitCodeFor(result);
if (!run.quiet) printReport(result);
if (settings.cleanup && settings.workerIndex === undefined && !cleanedUp) await cleanupRun();
const outputs: Array<[string | undefined, () => string]> = [
  [run.outputs.json, () => `${JSON.stringify(result, null, 2)}\n`],
  [run.outputs.html, () => htmlReport(result)],
  [run.outputs.openmetrics, () => openMetrics(result)],
];
for (const [file, render] of outputs) {
  if (!file) continue;
  try {
    fs.writeFileSync(file, render());
  } catch (error) {
    process.stderr.write(`load: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    if (result.exitCode === EXIT.OK) result.exitCode = EXIT.USAGE; // a verdict of loss or "not verified" outranks a lost file
  }
}
// Exit now, whatever sockets or timers a misbehaving server left open: CI gets its code.
process.exit(result.exitCode);

async function runHere(r: ResolvedRun): Promise<LoadResult> {
  const s = r.settings;
  const outage = s.outage ? new Outage({ ...s.outage, serverCmd: r.serverCommand }, (line) => process.stderr.write(`${line}\n`)) : undefined;
  if (outage) {
    // Ctrl-C must not leave a frozen PostgreSQL or a server the tool started behind.
    process.once('SIGINT', () => void outage.finish().finally(() => process.exit(130)));
    outage.startServer();
    await waitForServer();
  }
  const info = await api.info();
  const progress = r.quiet ? { update: () => undefined, stop: () => undefined } : createProgress(s.scenario.stages.reduce((n, x) => n + x.durationSec, 0));
  let stats: RunStats | undefined;
  try {
    const { report } = await runLoadDetailed({
      sidecarUrl: s.url, ingestUrl: s.ingest, token: r.token, clients: s.clients, rampUpSec: s.rampUpSec, durationSec: s.durationSec,
      transport: s.transport, replay: r.replay, seed: s.seed + (s.workerIndex ?? 0) * 7919, batchMs: s.batchMs, batchEvents: s.batchEvents,
      databaseUrl: r.databaseUrl, serverPid: r.serverPid, graceSec: s.graceSec, scenario: s.scenario, run: s.runTag,
    }, progress.update, {
      onSecond: (st, elapsed) => {
        stats = st;
        outage?.onSecond(st, elapsed);
      },
    });
    progress.stop();
    if (outage && stats) report.outage = outage.figures(stats);
    return { ...report, tool: TOOL, serverVersion: info.serverVersion, settings: s, generators: [{ ...report.generator, host: os.hostname(), index: s.workerIndex ?? 0 }], thresholds: [] };
  } finally {
    progress.stop();
    // A server the tool started is stopped below: clean up while it still answers.
    if (outage && r.serverCommand && s.cleanup && s.workerIndex === undefined) await cleanupRun();
    await outage?.finish();
  }
}

/** --cleanup: removes this run's sessions, users and keystrokes on the server (once). */
async function cleanupRun(): Promise<void> {
  cleanedUp = true;
  try {
    const removed = await api.cleanup();
    process.stdout.write(`cleanup: ${removed.sessions} sessions of run ${settings.runTag} removed with their users and keystrokes\n`);
  } catch (error) {
    process.stderr.write(`load: cleanup failed: ${(error as Error).message} (the server also removes them after its retention time)\n`);
  }
}

/** A server the tool started (--server-cmd) is ready when the sidecar answers and the ingest port accepts. */
async function waitForServer(): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      const info = await api.info();
      await tcpConnect(new URL(settings.ingest ?? info.ingestUrl));
      return;
    } catch (error) {
      if (Date.now() > until) throw new Error(`the server started with --server-cmd did not answer in 120 s: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function tcpConnect(url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port || (url.protocol === 'wss:' ? 443 : 80)), url.hostname);
    socket.setTimeout(2000, () => socket.destroy(new Error(`no answer from ${url.host}`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
