import type { GeneratorHealth } from './generator-health.ts';
import type { Transport } from './transports.ts';

/** What one load run found: the counts, the verification, latency, errors, the generator's health, the timeline. */
export interface Verification {
  method: 'api' | 'database' | 'none';
  /** Why the stored events could not be counted (then stored/lost/duplicates are null). */
  error?: string;
}

export interface LoadReport {
  transport: Transport;
  clients: number;
  /** Sessions typed in (more than clients with churn or arrivals). */
  sessionsStarted: number;
  sent: number;
  acked: number;
  unacked: number;
  stored: number | null;
  lost: number | null;
  duplicates: number | null;
  verification: Verification;
  eventsPerSec: number;
  ackLatencyMs: { p50: number; p90: number; p99: number; max: number };
  /** The whole-run ack latency histogram (HDR, compressed base64): results of several generators merge exactly. */
  ackLatencyHistogram: string;
  errorsByCode: Record<string, number>;
  /** Errors of any code per acked event (thresholds: errors<0.1%). */
  errorRate: number;
  reconnects: number;
  serverRssMB: number | null;
  /** The load generator's own health: CPU, event-loop delay, warnings when it limited the run. */
  generator: GeneratorHealth;
  /** Arrivals the open model could not start because maxTypists were busy. */
  droppedArrivals: number;
  /** When the clients started (ISO 8601), the zero of the timeline. */
  startedAt: string;
  /** Second by second: typists connected, events acked, ack latency, errors, generator load. */
  timeline: TimelinePoint[];
  seconds: number;
  completedSessions: number;
  /** Soak runs: how the first tenth compares with the last. */
  drift?: { ackP99FirstMs: number; ackP99LastMs: number; serverRssFirstMB: number | null; serverRssLastMB: number | null };
  /** Set by an outage (`--outage-at`): what was delivered after recovery and how long that took. */
  outage?: OutageFigures;
}

export interface OutageFigures {
  target: string;
  atSec: number;
  seconds: number;
  /** Events of batches sent before recovery that were acknowledged after it. */
  backlogDelivered: number;
  /** From recovery to the last such acknowledgement (null: nothing was waiting). */
  drainSec: number | null;
}

export interface TimelinePoint {
  second: number;
  connected: number;
  eventsPerSec: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  errors: number;
  /** The load generator's longest event-loop delay in that second, and its CPU share. */
  generatorDelayMaxMs: number;
  generatorCpuPercent: number;
  serverRssMB?: number;
}

export interface ProgressSample {
  elapsedSec: number;
  totalSec: number;
  connected: number;
  clients: number;
  eventsPerSec: number;
  ackP99Ms: number;
}
