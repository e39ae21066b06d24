import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerEnv } from '../../server/config/load-tool-env.ts';
import type { ResolvedRun } from './cli/settings.ts';
import type { LoadResult } from './result.ts';

const LOAD_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'load.ts');

/**
 * `--workers N`: N generator processes on this machine, each with its share of the typists
 * (stage targets and arrival rate divided, a seed of its own) and the same run tag; each
 * verifies its own sessions and writes its result to a temporary file, which are merged as
 * `npm run load:merge` would. The token goes to them in the environment, never in argv.
 */
export async function runWorkers(run: ResolvedRun): Promise<LoadResult[]> {
  const s = run.settings;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fingerflow-load-'));
  try {
    const jobs = Array.from({ length: s.workers }, (_, i) => {
      const share = (n: number) => Math.floor(n / s.workers) + (i < n % s.workers ? 1 : 0);
      const stages = s.scenario.stages.map((st) => `${st.durationSec}s:${share(st.target)}`).join(',');
      const args = [
        '--url', s.url, ...(s.ingest ? ['--ingest', s.ingest] : []), '--transport', s.transport, '--model', s.model, ...(s.replayFile ? ['--replay', s.replayFile] : []),
        '--seed', String(s.seed), '--batch-ms', String(s.batchMs), '--batch-events', String(s.batchEvents), '--grace', String(s.graceSec),
        '--run-tag', s.runTag, '--worker-index', String(i), '--quiet', '--json', path.join(dir, `worker-${i}.json`),
        ...(s.scenario.arrivalPerSec ? ['--arrival-rate', String(s.scenario.arrivalPerSec / s.workers), '--clients', String(Math.max(1, share(s.clients))), '--duration', String(s.durationSec)] : ['--stages', stages]),
        ...(s.scenario.sessionSec !== undefined ? ['--session-seconds', String(s.scenario.sessionSec)] : []),
        ...(s.scenario.soak ? ['--soak'] : []),
        ...(s.scenario.reconnectStormsAt.length ? ['--reconnect-storm-at', s.scenario.reconnectStormsAt.join(',')] : []),
        ...(run.databaseUrl ? ['--database-url', run.databaseUrl] : []),
        ...(run.serverPid ? ['--server-pid', String(run.serverPid)] : []),
      ];
      return new Promise<LoadResult>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, LOAD_BIN, ...args], { env: workerEnv(run.token), stdio: ['ignore', 'inherit', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => {
          const file = path.join(dir, `worker-${i}.json`);
          if (fs.existsSync(file)) resolve(JSON.parse(fs.readFileSync(file, 'utf8')) as LoadResult);
          else reject(new Error(`generator ${i} ended with code ${code} and no result: ${stderr.trim().slice(-500)}`));
        });
      });
    });
    if (!run.quiet) process.stderr.write(`[load] ${s.workers} generators, ${s.scenario.maxTypists} typists at peak, run ${s.runTag}\n`);
    return await Promise.all(jobs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
