import type { LoadReport } from './run-load.ts';

/**
 * Pass/fail criteria, as k6 has them: `ack_p99<250`, `errors<0.1%`, `lost==0`. Any that
 * does not hold fails the run (exit code 1). Metrics are read from the final (merged) report.
 */
export const THRESHOLD_METRICS: Record<string, { describe: string; read: (r: LoadReport) => number | null }> = {
  ack_p50: { describe: 'median ack latency, ms', read: (r) => r.ackLatencyMs.p50 },
  ack_p90: { describe: 'ack latency p90, ms', read: (r) => r.ackLatencyMs.p90 },
  ack_p99: { describe: 'ack latency p99, ms', read: (r) => r.ackLatencyMs.p99 },
  ack_max: { describe: 'slowest ack, ms', read: (r) => r.ackLatencyMs.max },
  errors: { describe: 'errors of any code per acked event (write as a percentage: errors<0.1%)', read: (r) => r.errorRate },
  error_count: { describe: 'errors of any code', read: (r) => Object.values(r.errorsByCode).reduce((a, b) => a + b, 0) },
  lost: { describe: 'acknowledged events not stored', read: (r) => r.lost },
  duplicates: { describe: 'events stored more than once', read: (r) => r.duplicates },
  unacked: { describe: 'events never acknowledged', read: (r) => r.unacked },
  events_per_sec: { describe: 'acknowledged events per second', read: (r) => r.eventsPerSec },
  reconnects: { describe: 'reconnections', read: (r) => r.reconnects },
  generator_cpu: { describe: 'the busiest generator\'s CPU, % of a core', read: (r) => r.generator.cpuPercent },
};

export interface Threshold {
  text: string;
  metric: string;
  op: '<' | '<=' | '>' | '>=' | '==';
  value: number;
}

export interface ThresholdResult {
  threshold: string;
  actual: number | null;
  ok: boolean;
}

export function parseThreshold(text: string): Threshold {
  const match = /^\s*([a-z_0-9]+)\s*(<=|>=|==|<|>)\s*(\d+(?:\.\d+)?)\s*(%|ms)?\s*$/.exec(text);
  if (!match) throw new Error(`--threshold "${text}": write METRIC<VALUE, e.g. ack_p99<250 or errors<0.1%`);
  const [, metric, op, number, unit] = match;
  if (!THRESHOLD_METRICS[metric!]) throw new Error(`--threshold "${text}": unknown metric ${metric}; one of ${Object.keys(THRESHOLD_METRICS).join(', ')}`);
  if (unit === '%' && metric !== 'errors') throw new Error(`--threshold "${text}": only errors takes a percentage`);
  return { text: text.trim(), metric: metric!, op: op as Threshold['op'], value: unit === '%' ? Number(number) / 100 : Number(number) };
}

/** A file of thresholds: a JSON array of strings, or `{ "thresholds": [...] }`, or one a line. */
export function parseThresholdFile(text: string): Threshold[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const data = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(data) ? data : (data as { thresholds?: unknown }).thresholds;
    if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) throw new Error('a thresholds file is a JSON array of strings or { "thresholds": [...] }');
    return list.map(parseThreshold);
  }
  return trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map(parseThreshold);
}

export function evaluateThresholds(thresholds: readonly Threshold[], report: LoadReport): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = THRESHOLD_METRICS[t.metric]!.read(report);
    const ok = actual !== null && compare(actual, t.op, t.value);
    return { threshold: t.text, actual, ok };
  });
}

function compare(actual: number, op: Threshold['op'], value: number): boolean {
  switch (op) {
    case '<': return actual < value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '>=': return actual >= value;
    case '==': return actual === value;
  }
}
