import fs from 'node:fs';
import { parseReplayLog, type ReplayLog } from '../replay/replay-log.ts';
import { parseStages, rampAndHold, type Scenario } from '../scenario.ts';
import { parseThreshold, parseThresholdFile, type Threshold } from '../thresholds.ts';
import type { Transport } from '../transports.ts';
import type { RawLoadArgs } from './options.ts';

export class UsageError extends Error {}

/** What a run was asked to do, as written into the JSON result (no token, ever). */
export interface LoadSettings {
  url: string;
  ingest?: string;
  transport: Transport;
  model: 'human' | 'replay';
  replayFile?: string;
  replayFormat?: string;
  clients: number;
  rampUpSec: number;
  durationSec: number;
  scenario: Scenario;
  seed: number;
  batchMs: number;
  batchEvents: number;
  graceSec: number;
  thresholds: string[];
  verify: 'api' | 'database';
  workers: number;
  workerIndex?: number;
  runTag: string;
  cleanup: boolean;
  outage?: { atSec: number; seconds: number; pid?: number; serverCmd?: string };
}

export interface ResolvedRun {
  settings: LoadSettings;
  thresholds: Threshold[];
  replay?: ReplayLog;
  token: string;
  databaseUrl?: string;
  serverPid?: number;
  outputs: { json?: string; html?: string; openmetrics?: string };
  quiet: boolean;
  /** --server-cmd as given (settings.outage.serverCmd is redacted for the report). */
  serverCommand?: string;
}

/** Passwords in URLs and values of *SECRET*, *TOKEN*, *PASSWORD*, *KEY* variables, starred. */
export function redact(command: string): string {
  return command.replace(/:\/\/([^:@/\s]+):[^@/\s]+@/g, '://$1:***@').replace(/\b(\w*(?:SECRET|TOKEN|PASSWORD|KEY)\w*)=('[^']*'|"[^"]*"|\S+)/gi, '$1=***');
}

const number = (args: RawLoadArgs, name: string, min = 0, integer = false): number => {
  const value = Number(args[name]);
  if (args[name] === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} >= ${min}, got "${String(args[name])}"`);
  return value;
};
const optional = (args: RawLoadArgs, name: string, min = 0, integer = false): number | undefined => (args[name] === undefined ? undefined : number(args, name, min, integer));

export function resolveRun(args: RawLoadArgs, envToken: string | undefined, now = new Date()): ResolvedRun {
  const transport = args.transport;
  if (transport !== 'ws' && transport !== 'socketio') throw new UsageError('--transport must be ws or socketio');
  const model = args.model;
  if (model !== 'human' && model !== 'replay') throw new UsageError(`--model must be human or replay, got "${String(model)}"`);
  if (model === 'replay' && !args.replay) throw new UsageError('--model replay needs --replay FILE');
  if (model === 'human' && args.replay) throw new UsageError('--replay is read only with --model replay');
  let url: URL;
  try {
    url = new URL(String(args.url));
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${String(args.url)}"`);
  }

  const token = readToken(args, envToken);
  const clients = number(args, 'clients', 1, true);
  const rampUpSec = number(args, 'ramp-up');
  const soak = args.soak === true;
  const durationSec = optional(args, 'duration') ?? 30;
  const arrivalPerSec = optional(args, 'arrival-rate', 0.001);
  let sessionSec = optional(args, 'session-seconds', 1);
  if (soak) sessionSec ??= 60;
  if (arrivalPerSec) sessionSec ??= 30;
  let stages;
  try {
    stages = args.stages ? parseStages(String(args.stages)) : arrivalPerSec ? [{ durationSec, target: clients }] : rampAndHold(clients, rampUpSec, durationSec);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const storms = args['reconnect-storm-at'] ? String(args['reconnect-storm-at']).split(',').map((s) => {
    const at = Number(s);
    if (!Number.isFinite(at) || at < 0) throw new UsageError(`--reconnect-storm-at: "${s}" is not a number of seconds`);
    return at;
  }) : [];
  const maxTypists = arrivalPerSec ? clients : Math.max(...stages.map((s) => s.target));
  if (maxTypists < 1) throw new UsageError('--stages never reach a typist');
  const scenario: Scenario = { stages, sessionSec, arrivalPerSec, maxTypists, reconnectStormsAt: storms, soak };

  const thresholdTexts = [...((args.threshold as string[] | undefined) ?? [])];
  let thresholds: Threshold[];
  try {
    thresholds = thresholdTexts.map(parseThreshold);
    if (args['thresholds-file']) thresholds.push(...parseThresholdFile(readFile(String(args['thresholds-file']), '--thresholds-file')));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  let replay: ReplayLog | undefined;
  if (model === 'replay') {
    try {
      replay = parseReplayLog(readFile(String(args.replay), '--replay'));
    } catch (error) {
      throw new UsageError(`--replay ${String(args.replay)}: ${(error as Error).message}`);
    }
  }

  const workers = number(args, 'workers', 1, true);
  const workerIndex = optional(args, 'worker-index', 0, true);
  let outage: LoadSettings['outage'];
  let serverCommand: string | undefined;
  if (args['outage-at'] !== undefined) {
    const pid = optional(args, 'outage-pid', 1, true);
    const serverCmd = args['server-cmd'] === undefined ? undefined : String(args['server-cmd']);
    if ((pid === undefined) === (serverCmd === undefined)) throw new UsageError('--outage-at needs exactly one target: --outage-pid PID or --server-cmd CMD');
    if (workers > 1) throw new UsageError('--outage-at works with one generator (--workers 1)');
    outage = { atSec: number(args, 'outage-at'), seconds: number(args, 'outage-seconds', 1), pid, serverCmd };
    serverCommand = serverCmd;
  }

  const settings: LoadSettings = {
    url: url.toString().replace(/\/$/, ''), ingest: args.ingest as string | undefined, transport, model, replayFile: args.replay as string | undefined, replayFormat: replay?.format,
    clients, rampUpSec, durationSec, scenario, seed: number(args, 'seed', 0, true), batchMs: number(args, 'batch-ms', 1), batchEvents: number(args, 'batch-events', 1, true),
    graceSec: number(args, 'grace'), thresholds: thresholds.map((t) => t.text), verify: args['database-url'] ? 'database' : 'api', workers, workerIndex,
    runTag: args['run-tag'] ? String(args['run-tag']) : `load-${now.toISOString().replace(/[:.]/g, '-')}`, cleanup: args.cleanup === true, outage,
  };
  // The settings go into the JSON report; the command as run (it may carry a database
  // password) stays in ResolvedRun only.
  if (settings.outage?.serverCmd) settings.outage = { ...settings.outage, serverCmd: redact(settings.outage.serverCmd) };
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(settings.runTag)) throw new UsageError('--run-tag: letters, digits, dot, dash and underscore, at most 64');
  return {
    settings, thresholds, replay, token, serverCommand,
    databaseUrl: args['database-url'] as string | undefined,
    serverPid: optional(args, 'server-pid', 1, true),
    outputs: { json: args.json as string | undefined, html: args.html as string | undefined, openmetrics: args.openmetrics as string | undefined },
    quiet: args.quiet === true,
  };
}

function readToken(args: RawLoadArgs, envToken: string | undefined): string {
  if (args['token-file']) return readFile(String(args['token-file']), '--token-file').trim();
  if (typeof args.token === 'string' && args.token) return args.token;
  if (envToken) return envToken;
  throw new UsageError('a load-test token is needed: the server\'s LOADTEST_TOKEN, given as LOADTEST_TOKEN in the environment or with --token-file FILE');
}

function readFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}
