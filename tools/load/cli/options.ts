import { parseArgs } from 'node:util';

interface OptionSpec {
  type: 'string' | 'boolean';
  default?: string;
  multiple?: boolean;
  arg?: string;
  help: string;
}

/** Every flag of `npm run load`, with its meaning: --help prints this table, nothing is hidden. */
export const LOAD_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', default: 'http://127.0.0.1:8080', arg: 'URL', help: 'the deployment\'s sidecar (HTTP) base URL' },
  ingest: { type: 'string', arg: 'URL', help: 'the ingest WebSocket URL (default: the one the deployment advertises)' },
  'token-file': { type: 'string', arg: 'FILE', help: 'read the load-test token from FILE (or set LOADTEST_TOKEN in the environment); never printed' },
  token: { type: 'string', arg: 'TOKEN', help: 'the load-test token on the command line (discouraged: ps and npm\'s log show it)' },
  clients: { type: 'string', default: '100', arg: 'N', help: 'typists at the peak (the cap of --arrival-rate)' },
  'ramp-up': { type: 'string', default: '10', arg: 'S', help: 'seconds to ramp up to --clients (without --stages)' },
  duration: { type: 'string', default: '30', arg: 'S', help: 'seconds to hold --clients after the ramp-up (without --stages)' },
  stages: { type: 'string', arg: 'LIST', help: 'DURATION:TYPISTS,... e.g. 10s:100,1m:100,5s:500,10s:0 (ramp, hold, spike, ramp down)' },
  'session-seconds': { type: 'string', arg: 'S', help: 'each session types S seconds and ends; a new one takes its place (session churn)' },
  'arrival-rate': { type: 'string', arg: 'R', help: 'start R new sessions per second for --duration, each --session-seconds long (default 30)' },
  soak: { type: 'boolean', help: 'soak: hold --clients for --duration with churn (--session-seconds 60 by default) and report drift' },
  'reconnect-storm-at': { type: 'string', arg: 'S,S', help: 'at these seconds every typist drops its connection at once and reconnects' },
  transport: { type: 'string', default: 'ws', arg: 'ws|socketio', help: 'the ingest transport' },
  model: { type: 'string', default: 'human', arg: 'human|replay', help: 'generated human typing, or a recorded log (--replay)' },
  replay: { type: 'string', arg: 'FILE', help: 'the log to replay: TSV, JSON, or the app\'s events.json/events.csv export' },
  seed: { type: 'string', default: '1', arg: 'N', help: 'random seed of the typing model and the replay offsets' },
  'batch-ms': { type: 'string', default: '150', arg: 'MS', help: 'send a batch after MS ms (the page: 150)' },
  'batch-events': { type: 'string', default: '64', arg: 'N', help: 'or when N events wait (the page: 64)' },
  grace: { type: 'string', default: '30', arg: 'S', help: 'seconds after typing to wait for the last acks; then every client is stopped' },
  threshold: { type: 'string', multiple: true, arg: 'EXPR', help: 'fail the run unless EXPR holds, e.g. ack_p99<250, errors<0.1%, lost==0 (repeatable)' },
  'thresholds-file': { type: 'string', arg: 'FILE', help: 'thresholds from FILE (JSON array, or one a line)' },
  'database-url': { type: 'string', arg: 'URL', help: 'verify straight from this PostgreSQL instead of the load-test route' },
  'server-pid': { type: 'string', arg: 'PID', help: 'a local server process whose memory is sampled' },
  json: { type: 'string', arg: 'FILE', help: 'write the result (settings, versions, timeline, histograms) as JSON' },
  html: { type: 'string', arg: 'FILE', help: 'write a one-file HTML report with charts' },
  openmetrics: { type: 'string', arg: 'FILE', help: 'write the generator\'s metrics in OpenMetrics (Prometheus) text format' },
  cleanup: { type: 'boolean', help: 'delete this run\'s sessions, users and keystrokes on the server afterwards' },
  'cleanup-only': { type: 'boolean', help: 'run nothing: delete the sessions of --run-tag (e.g. after a run on several machines) and exit' },
  'run-tag': { type: 'string', arg: 'TAG', help: 'tag of this run\'s sessions (default: load-<time>); generators on several machines share one' },
  workers: { type: 'string', default: '1', arg: 'N', help: 'split the typists over N generator processes on this machine' },
  'outage-at': { type: 'string', arg: 'S', help: 'stop the outage target S seconds into the run' },
  'outage-seconds': { type: 'string', default: '30', arg: 'S', help: 'and restart it S seconds later' },
  'outage-pid': { type: 'string', arg: 'PID', help: 'outage target: a process (the server, or PostgreSQL) frozen with SIGSTOP and resumed with SIGCONT' },
  'server-cmd': { type: 'string', arg: 'CMD', help: 'outage target: a server the tool starts itself with CMD, kills (SIGKILL) and starts again' },
  'worker-index': { type: 'string', arg: 'I', help: 'internal: this process is generator I of --workers' },
  quiet: { type: 'boolean', help: 'no progress line and no table (workers)' },
  help: { type: 'boolean', help: 'this text' },
};

export function usage(): string {
  const rows = Object.entries(LOAD_OPTIONS).map(([name, o]) => [`--${name}${o.arg ? ` ${o.arg}` : ''}`, `${o.help}${o.default !== undefined ? ` [${o.default}]` : ''}`]);
  const width = Math.max(...rows.map(([a]) => a!.length));
  return `usage: npm run load -- [options]   (exit codes: 0 ok, 1 loss or threshold failed, 2 usage or cannot start, 3 could not verify)\n\n${rows.map(([a, h]) => `  ${a!.padEnd(width)}  ${h}`).join('\n')}\n\ndocs/LOAD-TESTING.md explains scenarios, thresholds, replay formats, workers and merging.`;
}

export type RawLoadArgs = Record<string, string | boolean | string[] | undefined>;

export function parseLoadArgs(argv: string[]): RawLoadArgs {
  const options = Object.fromEntries(Object.entries(LOAD_OPTIONS).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }]));
  return parseArgs({ args: argv, options: options as never, strict: true, allowPositionals: false }).values;
}
