import fs from 'node:fs';
import * as hdr from 'hdr-histogram-js';
import { GeneratorMonitor } from './generator-health.ts';
import type { LoadReport, ProgressSample, TimelinePoint, Verification } from './load-report.ts';
import { LoadClient, type EventScript } from './load-client.ts';
import { Random } from './random.ts';
import { ReplayScript } from './replay/replay-script.ts';
import type { ReplayLog } from './replay/replay-log.ts';
import { RunStats } from './run-stats.ts';
import { rampAndHold, targetAt, totalSeconds, type Scenario } from './scenario.ts';
import { SessionPool, type LoadSession } from './session-pool.ts';
import { LoadtestApi } from './sidecar-api.ts';
import type { Transport } from './transports.ts';
import { TypistScript } from './typing-model.ts';
import { verifyThroughApi } from './verify-remote.ts';
import { verifyStored, type StoredCheck } from './verify-stored.ts';

export interface LoadOptions {
  sidecarUrl: string;
  ingestUrl?: string;
  token: string;
  /** Typists at the peak (without `scenario`: ramp up to this many, then hold). */
  clients: number;
  rampUpSec: number;
  durationSec: number;
  transport: Transport;
  replay?: ReplayLog;
  seed: number;
  /** A batch is sent when this many ms have passed or batchEvents are waiting (the page: 150 ms, 64 events). */
  batchMs: number;
  batchEvents?: number;
  /** Verify straight from PostgreSQL instead of through the sidecar's load-test route. */
  databaseUrl?: string;
  /** A local server process whose memory is sampled. */
  serverPid?: number;
  /** How long to wait after typing for the last acks and ends; then every client is stopped. */
  graceSec: number;
  /** Stages, churn, arrivals, storms; default: ramp up and hold. */
  scenario?: Scenario;
  /** The tag of this run's sessions, for --cleanup. */
  run?: string;
}

export type { LoadReport, OutageFigures, ProgressSample, TimelinePoint, Verification } from './load-report.ts';

const TICK_MS = 20;

/** A whole run: sessions from the sidecar, typists started and stopped by the scenario, then the count. */
export async function runLoad(options: LoadOptions, onProgress?: (sample: ProgressSample) => void): Promise<LoadReport> {
  return (await runLoadDetailed(options, onProgress)).report;
}

/** The same, also returning the clients (what each sent and had acknowledged), for checks. */
export async function runLoadDetailed(options: LoadOptions, onProgress?: (sample: ProgressSample) => void, hooks: Pick<ClientRunOptions, 'onSecond'> = {}): Promise<{ report: LoadReport; clients: LoadClient[] }> {
  const api = new LoadtestApi(options.sidecarUrl, options.token, options.run);
  const info = await api.info();
  const scenario = options.scenario ?? defaultScenario(options);
  // Every typist of the peak up front (a spike must not wait for sessions); churn and arrivals fetch more as they go.
  const sessions = await api.createSessions(scenario.maxTypists);
  return runClients({
    ...options, ...hooks, scenario, sessions, ingestUrl: options.ingestUrl ?? info.ingestUrl,
    freshTicket: (id) => api.ticket(id),
    moreSessions: (n) => api.createSessions(n),
    verify: options.databaseUrl ? { method: 'database', check: (c) => verifyStored(options.databaseUrl!, c) } : { method: 'api', check: (c) => verifyThroughApi(api, c) },
  }, onProgress);
}

export interface ClientRunOptions extends Omit<LoadOptions, 'sidecarUrl' | 'token' | 'ingestUrl'> {
  sessions: LoadSession[];
  ingestUrl: string;
  freshTicket: (sessionId: string) => Promise<string>;
  /** More sessions when churn, arrivals or stages need them. */
  moreSessions?: (count: number) => Promise<LoadSession[]>;
  /** How stored events are counted; default: PostgreSQL at databaseUrl, if given. */
  verify?: { method: Verification['method']; check: (clients: LoadClient[]) => Promise<StoredCheck> };
  /** Called once a second with the run's counters, for harnesses that inject faults. */
  onSecond?: (stats: RunStats, elapsedSec: number) => void;
}

export function defaultScenario(options: Pick<LoadOptions, 'clients' | 'rampUpSec' | 'durationSec'>): Scenario {
  return { stages: rampAndHold(options.clients, options.rampUpSec, options.durationSec), maxTypists: options.clients, reconnectStormsAt: [], soak: false };
}

/** Runs typists as the scenario says; the fault-injection harness passes sessions it made itself. */
export async function runClients(options: ClientRunOptions, onProgress?: (sample: ProgressSample) => void): Promise<{ report: LoadReport; clients: LoadClient[] }> {
  const scenario = options.scenario ?? defaultScenario(options);
  const stats = new RunStats();
  const rng = new Random(options.seed);
  const pool = new SessionPool([...options.sessions], options.moreSessions);
  const clients: LoadClient[] = [];
  const monitor = new GeneratorMonitor();
  const t0 = Date.now();
  const totalSec = totalSeconds(scenario);
  const sessionMs = scenario.sessionSec === undefined ? Infinity : scenario.sessionSec * 1000;
  let starting = 0;
  let arrived = 0;
  let droppedArrivals = 0;
  let stopped = false;
  let peakRss = 0;
  const stormsDone = new Set<number>();
  const timeline: TimelinePoint[] = [];

  const startTypist = () => {
    // Without a way to make sessions, a typist that failed is not replaced: the harness that
    // passed its own sessions counts exactly those.
    if (!pool.hasMore()) return;
    starting++;
    void pool.take().then((session) => {
      starting--;
      if (stopped) return;
      const script: EventScript = options.replay ? new ReplayScript(options.replay, rng.next() * options.replay.spanMs) : new TypistScript(rng.fork());
      const client = new LoadClient(session.sessionId, session.ticket, script, {
        transport: options.transport, ingestUrl: options.ingestUrl, batchMs: options.batchMs, durationMs: sessionMs,
        maxEventsPerBatch: options.batchEvents ?? 512, freshTicket: options.freshTicket,
      }, stats);
      clients.push(client);
      void client.start(Date.now());
    }, (error: unknown) => {
      starting--;
      stats.error(`SESSION_CREATE_${(error as { code?: string }).code ?? 'FAILED'}`);
    });
  };

  const schedule = (now: number) => {
    const elapsedSec = (now - t0) / 1000;
    const typing = clients.filter((c) => c.typingAt(now));
    if (elapsedSec >= totalSec) {
      for (const c of typing) c.finish(now);
      return;
    }
    if (scenario.arrivalPerSec) {
      const due = Math.floor(elapsedSec * scenario.arrivalPerSec) + 1;
      for (; arrived < due; arrived++) {
        if (typing.length + starting < scenario.maxTypists) startTypist();
        else droppedArrivals++;
      }
    } else {
      const target = targetAt(scenario.stages, elapsedSec);
      for (let n = typing.length + starting; n < target; n++) startTypist();
      // Ramp down: the most recent typists finish their session first.
      let excess = typing.length + starting - target;
      for (let i = typing.length - 1; i >= 0 && excess > 0; i--, excess--) typing[i]!.finish(now);
    }
    for (const at of scenario.reconnectStormsAt) {
      if (elapsedSec >= at && !stormsDone.has(at)) {
        stormsDone.add(at);
        for (const c of clients) c.drop();
      }
    }
  };

  const dueAt = new Map<LoadClient, number>();
  const scheduler = setInterval(() => {
    const now = Date.now();
    schedule(now);
    for (const client of clients) {
      if (client.state === 'done' || client.state === 'failed') continue;
      if (now < (dueAt.get(client) ?? 0)) continue;
      client.tick(now);
      dueAt.set(client, client.nextTickAt(now, TICK_MS));
    }
  }, TICK_MS);

  const sample = () => {
    const window = stats.takeWindow();
    const generator = monitor.takeSecond();
    const rss = options.serverPid ? rssMB(options.serverPid) : 0;
    peakRss = Math.max(peakRss, rss);
    timeline.push({
      second: Math.round((Date.now() - t0) / 1000), connected: stats.connections, eventsPerSec: window.acked, ackP50Ms: window.p50, ackP99Ms: window.p99, ackMaxMs: window.max,
      errors: window.errors, generatorDelayMaxMs: generator.delayMaxMs, generatorCpuPercent: generator.cpuPercent, ...(options.serverPid ? { serverRssMB: Math.round(rss) } : {}),
    });
    return window;
  };
  const sampler = setInterval(() => {
    options.onSecond?.(stats, Math.round((Date.now() - t0) / 1000));
    const window = sample();
    onProgress?.({ elapsedSec: Math.round((Date.now() - t0) / 1000), totalSec, connected: stats.connections, clients: scenario.maxTypists, eventsPerSec: window.acked, ackP99Ms: window.p99 });
  }, 1000);

  // The hard deadline: typing ends with the last stage; after the grace period every client
  // still open is stopped, whatever the server does, so the run always ends.
  const deadline = t0 + (totalSec + options.graceSec) * 1000;
  const settled = () => Date.now() - t0 >= totalSec * 1000 && starting === 0 && clients.every((c) => c.state === 'done' || c.state === 'failed');
  while (Date.now() < deadline && !settled()) await new Promise((r) => setTimeout(r, 100));
  stopped = true;
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(scheduler);
  clearInterval(sampler);
  sample(); // the last part-second, so the timeline accounts for every ack
  for (const c of clients) if (c.state !== 'done') c.abandon();
  const latency = stats.latencySummary();
  const generator = monitor.finish(latency.p99);

  const verify = options.verify ?? (options.databaseUrl ? { method: 'database' as const, check: (c: LoadClient[]) => verifyStored(options.databaseUrl!, c) } : undefined);
  let check: StoredCheck | undefined;
  let verification: Verification = { method: verify?.method ?? 'none' };
  if (verify) {
    try {
      check = await verify.check(clients);
    } catch (error) {
      verification = { method: verify.method, error: (error as Error).message };
    }
  }
  const errorCount = Object.values(stats.errorsByCode).reduce((a, b) => a + b, 0);
  const report: LoadReport = {
    transport: options.transport,
    clients: scenario.maxTypists,
    sessionsStarted: clients.length,
    sent: stats.sentEvents,
    acked: stats.ackedEvents,
    unacked: clients.reduce((n, c) => n + c.unackedEvents, 0),
    stored: check?.stored ?? null,
    lost: check?.lost ?? null,
    duplicates: check?.duplicates ?? null,
    verification,
    eventsPerSec: Math.round(stats.ackedEvents / seconds),
    ackLatencyMs: latency,
    ackLatencyHistogram: hdr.encodeIntoCompressedBase64(stats.latency),
    errorsByCode: stats.errorsByCode,
    errorRate: errorCount / Math.max(1, stats.ackedEvents),
    reconnects: stats.reconnects,
    serverRssMB: options.serverPid ? Math.round(peakRss) : null,
    generator,
    droppedArrivals,
    startedAt: new Date(t0).toISOString(),
    timeline,
    seconds: Math.round(seconds * 10) / 10,
    completedSessions: clients.filter((c) => c.state === 'done').length,
  };
  if (scenario.soak) report.drift = drift(timeline);
  return { report, clients };
}

/** Soak: the worst ack p99 and the server's memory in the first and the last tenth of the run. */
function drift(timeline: TimelinePoint[]): NonNullable<LoadReport['drift']> {
  const tenth = Math.max(1, Math.floor(timeline.length / 10));
  const first = timeline.slice(0, tenth);
  const last = timeline.slice(-tenth);
  const worst = (points: TimelinePoint[]) => Math.max(0, ...points.map((p) => p.ackP99Ms));
  const rss = (points: TimelinePoint[]) => (points[0]?.serverRssMB === undefined ? null : Math.max(...points.map((p) => p.serverRssMB ?? 0)));
  return { ackP99FirstMs: worst(first), ackP99LastMs: worst(last), serverRssFirstMB: rss(first), serverRssLastMB: rss(last) };
}

function rssMB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
