import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LoadClient, type EventScript } from './load-client.ts';
import { Random } from './random.ts';
import { ReplayScript, type RecordedKey } from './replay.ts';
import { RunStats } from './run-stats.ts';
import { LoadtestApi } from './sidecar-api.ts';
import type { Transport } from './transports.ts';
import { TypistScript } from './typing-model.ts';
import { verifyStored } from './verify-stored.ts';

export interface LoadOptions {
  sidecarUrl: string;
  ingestUrl?: string;
  token: string;
  clients: number;
  rampUpSec: number;
  durationSec: number;
  transport: Transport;
  replay?: RecordedKey[];
  seed: number;
  batchMs: number;
  /** Where to count what was stored; without it `stored`, `lost` and `duplicates` are null. */
  databaseUrl?: string;
  /** A local server process whose memory is sampled. */
  serverPid?: number;
  /** How long to wait after typing for the last acks and ends. */
  graceSec: number;
}

export interface LoadReport {
  transport: Transport;
  clients: number;
  sent: number;
  acked: number;
  unacked: number;
  stored: number | null;
  lost: number | null;
  duplicates: number | null;
  eventsPerSec: number;
  ackLatencyMs: { p50: number; p90: number; p99: number; max: number };
  errorsByCode: Record<string, number>;
  reconnects: number;
  serverRssMB: number | null;
  /**
   * How late the load generator's own event loop ran. Acks are timed by the generator, so
   * a busy generator inflates the latencies; when this p99 is a large part of the ack p99,
   * the generator, not the server, is the limit (run it on another machine).
   */
  generatorDelayMs: { p99: number; max: number };
  /** When the clients started (ISO 8601), the zero of the timeline. */
  startedAt: string;
  /** Second by second: clients connected, events acked, ack latency p99 and max (ms). */
  timeline: TimelinePoint[];
  seconds: number;
  completedSessions: number;
}

export interface TimelinePoint {
  second: number;
  connected: number;
  eventsPerSec: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** The load generator's longest event-loop delay in that second. */
  generatorDelayMaxMs: number;
}

export interface ProgressSample {
  elapsedSec: number;
  totalSec: number;
  connected: number;
  clients: number;
  eventsPerSec: number;
  ackP99Ms: number;
}

const TICK_MS = 20;

/** A whole run: sessions from the sidecar, clients ramped up, typing, ending, then the count. */
export async function runLoad(options: LoadOptions, onProgress?: (sample: ProgressSample) => void): Promise<LoadReport> {
  return (await runLoadDetailed(options, onProgress)).report;
}

/** The same, also returning the clients (what each sent and had acknowledged), for checks. */
export async function runLoadDetailed(options: LoadOptions, onProgress?: (sample: ProgressSample) => void): Promise<{ report: LoadReport; clients: LoadClient[] }> {
  const api = new LoadtestApi(options.sidecarUrl, options.token);
  const sessions = await api.createSessions(options.clients);
  const ingestUrl = options.ingestUrl ?? (await api.ingestUrl());
  return runClients({ ...options, sessions, ingestUrl, freshTicket: (id) => api.ticket(id) }, onProgress);
}

export interface ClientRunOptions extends Omit<LoadOptions, 'sidecarUrl' | 'token' | 'ingestUrl'> {
  sessions: Array<{ sessionId: string; ticket: string }>;
  ingestUrl: string;
  freshTicket: (sessionId: string) => Promise<string>;
  /** Called once a second with the run's counters, for harnesses that inject faults. */
  onSecond?: (stats: RunStats, elapsedSec: number) => void;
}

/** Runs typists on sessions that already exist (the fault-injection harness makes its own). */
export async function runClients(options: ClientRunOptions, onProgress?: (sample: ProgressSample) => void): Promise<{ report: LoadReport; clients: LoadClient[] }> {
  const { sessions, ingestUrl } = options;
  const stats = new RunStats();
  const rng = new Random(options.seed);
  const clients = sessions.map((s) => {
    const script: EventScript = options.replay ? new ReplayScript(options.replay) : new TypistScript(rng.fork());
    return new LoadClient(s.sessionId, s.ticket, script, {
      transport: options.transport, ingestUrl, batchMs: options.batchMs, durationMs: options.durationSec * 1000, maxEventsPerBatch: 512,
      freshTicket: options.freshTicket,
    }, stats);
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const secondDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  secondDelay.enable();
  const t0 = Date.now();
  const rampMs = options.rampUpSec * 1000;
  const totalSec = options.rampUpSec + options.durationSec;
  let started = 0;
  let peakRss = 0;
  const timeline: TimelinePoint[] = [];
  const sample = () => {
    const window = stats.takeWindow();
    timeline.push({
      second: Math.round((Date.now() - t0) / 1000), connected: stats.connections, eventsPerSec: window.acked, ackP99Ms: window.p99, ackMaxMs: window.max,
      generatorDelayMaxMs: Math.round(secondDelay.max / 1e6),
    });
    secondDelay.reset();
    return window;
  };
  const dueAt = new Float64Array(clients.length);
  const scheduler = setInterval(() => {
    const now = Date.now();
    const due = options.clients <= 1 || rampMs === 0 ? clients.length : Math.min(clients.length, Math.floor(((now - t0) / rampMs) * clients.length) + 1);
    while (started < due) void clients[started++]!.start(now);
    for (let i = 0; i < started; i++) {
      if (now < dueAt[i]!) continue;
      const client = clients[i]!;
      client.tick(now);
      dueAt[i] = client.nextTickAt(now, TICK_MS);
    }
  }, TICK_MS);
  const sampler = setInterval(() => {
    if (options.serverPid) peakRss = Math.max(peakRss, rssMB(options.serverPid));
    options.onSecond?.(stats, Math.round((Date.now() - t0) / 1000));
    const window = sample();
    onProgress?.({ elapsedSec: Math.round((Date.now() - t0) / 1000), totalSec, connected: stats.connections, clients: options.clients, eventsPerSec: window.acked, ackP99Ms: window.p99 });
  }, 1000);

  const deadline = t0 + (totalSec + options.graceSec) * 1000;
  while (Date.now() < deadline && !clients.every((c) => c.state === 'done' || c.state === 'failed')) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(scheduler);
  clearInterval(sampler);
  sample(); // the last part-second, so the timeline accounts for every ack
  loopDelay.disable();
  secondDelay.disable();
  for (const c of clients) if (c.state !== 'done') c.abandon();
  if (options.serverPid) peakRss = Math.max(peakRss, rssMB(options.serverPid));

  const check = options.databaseUrl ? await verifyStored(options.databaseUrl, clients) : undefined;
  const report: LoadReport = {
    transport: options.transport,
    clients: options.clients,
    sent: stats.sentEvents,
    acked: stats.ackedEvents,
    unacked: clients.reduce((n, c) => n + c.unackedEvents, 0),
    stored: check?.stored ?? null,
    lost: check?.lost ?? null,
    duplicates: check?.duplicates ?? null,
    eventsPerSec: Math.round(stats.ackedEvents / seconds),
    ackLatencyMs: stats.latencySummary(),
    errorsByCode: stats.errorsByCode,
    reconnects: stats.reconnects,
    serverRssMB: options.serverPid ? Math.round(peakRss) : null,
    startedAt: new Date(t0).toISOString(),
    timeline,
    generatorDelayMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
    seconds: Math.round(seconds * 10) / 10,
    completedSessions: clients.filter((c) => c.state === 'done').length,
  };
  return { report, clients };
}

function rssMB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
