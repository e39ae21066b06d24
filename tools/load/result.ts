import * as hdr from 'hdr-histogram-js';
import packageJson from '../../package.json' with { type: 'json' };
import type { LoadSettings } from './cli/settings.ts';
import type { GeneratorHealth } from './generator-health.ts';
import type { LoadReport, TimelinePoint } from './run-load.ts';
import type { ThresholdResult } from './thresholds.ts';

export const TOOL = { name: 'fingerflow-load', version: packageJson.version } as const;

/** The JSON result of a run: the report, what was asked, who measured and against what. */
export interface LoadResult extends LoadReport {
  tool: { name: string; version: string };
  serverVersion: string | null;
  settings: LoadSettings;
  /** One entry per generator process (several after --workers or load:merge). */
  generators: Array<GeneratorHealth & { host?: string; index?: number }>;
  thresholds: ThresholdResult[];
  exitCode?: number;
}

const HISTOGRAM = { lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 as const };

/**
 * Several generators' results as one: counts summed, the ack histograms added (so the merged
 * percentiles are exact, not averaged), errors summed by code, timelines aligned on the wall
 * clock (per-second p99 is the worst generator's: a bound, the whole-run figures are exact).
 * lost/duplicates are null if any generator could not verify.
 */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  if (results.length === 1) return results[0]!;
  const first = results[0]!;
  const histogram = hdr.build(HISTOGRAM);
  for (const r of results) if (r.ackLatencyHistogram) histogram.add(hdr.decodeFromCompressedBase64(r.ackLatencyHistogram));
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const nullableSum = (f: (r: LoadResult) => number | null) => (results.some((r) => f(r) === null) ? null : sum((r) => f(r)!));
  const errorsByCode: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errorsByCode)) errorsByCode[code] = (errorsByCode[code] ?? 0) + n;
  const t0 = Math.min(...results.map((r) => Date.parse(r.startedAt)));
  const end = Math.max(...results.map((r) => Date.parse(r.startedAt) + r.seconds * 1000));
  const seconds = (end - t0) / 1000;
  const acked = sum((r) => r.acked);
  const generators = results.flatMap((r) => r.generators);
  const failed = results.find((r) => r.verification.error);
  const busiest = generators.reduce((a, b) => (b.cpuPercent > a.cpuPercent ? b : a), generators[0]!);
  return {
    ...first,
    clients: sum((r) => r.clients),
    sessionsStarted: sum((r) => r.sessionsStarted),
    sent: sum((r) => r.sent),
    acked,
    unacked: sum((r) => r.unacked),
    stored: nullableSum((r) => r.stored),
    lost: nullableSum((r) => r.lost),
    duplicates: nullableSum((r) => r.duplicates),
    verification: failed ? failed.verification : first.verification,
    eventsPerSec: Math.round(acked / Math.max(0.001, seconds)),
    ackLatencyMs: histogram.totalCount ? { p50: histogram.getValueAtPercentile(50), p90: histogram.getValueAtPercentile(90), p99: histogram.getValueAtPercentile(99), max: histogram.maxValue } : { p50: 0, p90: 0, p99: 0, max: 0 },
    ackLatencyHistogram: hdr.encodeIntoCompressedBase64(histogram),
    errorsByCode,
    errorRate: Object.values(errorsByCode).reduce((a, b) => a + b, 0) / Math.max(1, acked),
    reconnects: sum((r) => r.reconnects),
    serverRssMB: results.some((r) => r.serverRssMB !== null) ? Math.max(...results.map((r) => r.serverRssMB ?? 0)) : null,
    generator: { ...busiest, warnings: [...new Set(generators.flatMap((g) => g.warnings))] },
    generators,
    droppedArrivals: sum((r) => r.droppedArrivals),
    startedAt: new Date(t0).toISOString(),
    timeline: mergeTimelines(results, t0),
    seconds: Math.round(seconds * 10) / 10,
    completedSessions: sum((r) => r.completedSessions),
    thresholds: [],
  };
}

function mergeTimelines(results: readonly LoadResult[], t0: number): TimelinePoint[] {
  const bySecond = new Map<number, TimelinePoint>();
  for (const r of results) {
    const shift = Math.round((Date.parse(r.startedAt) - t0) / 1000);
    for (const p of r.timeline) {
      const second = p.second + shift;
      const into = bySecond.get(second);
      if (!into) {
        bySecond.set(second, { ...p, second });
        continue;
      }
      into.connected += p.connected;
      into.eventsPerSec += p.eventsPerSec;
      into.errors += p.errors;
      into.ackP50Ms = Math.max(into.ackP50Ms, p.ackP50Ms);
      into.ackP99Ms = Math.max(into.ackP99Ms, p.ackP99Ms);
      into.ackMaxMs = Math.max(into.ackMaxMs, p.ackMaxMs);
      into.generatorDelayMaxMs = Math.max(into.generatorDelayMaxMs, p.generatorDelayMaxMs);
      into.generatorCpuPercent = Math.max(into.generatorCpuPercent, p.generatorCpuPercent);
    }
  }
  return [...bySecond.values()].sort((a, b) => a.second - b.second);
}
