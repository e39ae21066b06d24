// `npm run load -- [options]`: scripted typists against a FingerFlow deployment, a live
// progress line, and a report that says whether every acknowledged keystroke was stored
// exactly once. Exit code 1 on any loss or duplicate (or when nothing could be checked).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configFromProcess, type Config } from '../config/index.ts';
import { failStart } from './fail.ts';
import { configuredDatabaseUrl, localServerPid } from '../db/local-database-url.ts';
import { parseKeystrokeLog } from '../load/replay.ts';
import { runLoad } from '../load/run-load.ts';
import { printReport } from '../load/report.ts';
import { createProgress } from '../load/progress.ts';

const USAGE = `usage: npm run load -- [--url http://127.0.0.1:8080] [--ingest ws://host:8081/ws] [--clients 100]
  [--ramp-up 10] [--duration 30] [--transport ws|socketio] [--model human|replay --replay FILE.tsv|FILE.json]
  [--seed 1] [--batch-ms 1000] [--token LOADTEST_TOKEN] [--database-url URL] [--server-pid PID] [--json FILE]`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let args;
try {
  args = parseArgs({
    options: {
      url: { type: 'string' }, ingest: { type: 'string' }, clients: { type: 'string', default: '100' }, 'ramp-up': { type: 'string', default: '10' },
      duration: { type: 'string', default: '30' }, transport: { type: 'string', default: 'ws' }, model: { type: 'string', default: 'human' },
      replay: { type: 'string' }, seed: { type: 'string', default: '1' }, 'batch-ms': { type: 'string', default: '1000' }, token: { type: 'string' },
      'database-url': { type: 'string' }, 'server-pid': { type: 'string' }, json: { type: 'string' }, grace: { type: 'string', default: '30' }, help: { type: 'boolean' },
    },
  }).values;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const transport = args.transport;
if (transport !== 'ws' && transport !== 'socketio') {
  process.stderr.write(`--transport must be ws or socketio\n${USAGE}\n`);
  process.exit(2);
}
const numbers = { clients: Number(args.clients), rampUp: Number(args['ramp-up']), duration: Number(args.duration), seed: Number(args.seed), batchMs: Number(args['batch-ms']), grace: Number(args.grace) };
for (const [name, value] of Object.entries(numbers)) {
  if (!Number.isFinite(value) || value < 0 || (name === 'clients' && value < 1)) {
    process.stderr.write(`--${name} must be a non-negative number\n${USAGE}\n`);
    process.exit(2);
  }
}

let config: Config;
try {
  config = configFromProcess({ cwd: repoRoot });
} catch (error) {
  failStart(error, 'load');
}
const token = args.token ?? config.loadtestToken;
if (!token) {
  process.stderr.write('a load-test token is needed: start the server with LOADTEST_TOKEN=<32+ chars> and pass the same value with --token (or set LOADTEST_TOKEN here)\n');
  process.exit(2);
}
let replay;
if (args.model === 'replay') {
  if (!args.replay) {
    process.stderr.write(`--model replay needs --replay FILE\n${USAGE}\n`);
    process.exit(2);
  }
  replay = parseKeystrokeLog(fs.readFileSync(args.replay, 'utf8'), args.replay.endsWith('.json') ? 'json' : 'tsv');
}

const progress = createProgress(numbers.rampUp + numbers.duration);
try {
  const report = await runLoad({
    sidecarUrl: args.url ?? `http://127.0.0.1:${config.httpPort}`,
    ingestUrl: args.ingest,
    token,
    clients: numbers.clients,
    rampUpSec: numbers.rampUp,
    durationSec: numbers.duration,
    transport,
    replay,
    seed: numbers.seed,
    batchMs: numbers.batchMs,
    databaseUrl: args['database-url'] ?? configuredDatabaseUrl(config),
    serverPid: args['server-pid'] ? Number(args['server-pid']) : localServerPid(config),
    graceSec: numbers.grace,
  }, progress.update);
  progress.stop();
  printReport(report);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.lost === 0 && report.duplicates === 0 ? 0 : 1;
} catch (error) {
  progress.stop();
  process.stderr.write(`load: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
