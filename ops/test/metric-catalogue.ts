// Every Prometheus metric FingerFlow's code registers, by name, as a scrape would show them:
// the ingest metrics and its protections (caps, conflicts), the sidecar's HTTP metrics, the database pools, and Node's defaults
// (histograms as _bucket/_sum/_count, summaries as _sum/_count). Built from the same
// functions the servers call, so a renamed metric shows up here at once.
import { Registry } from 'prom-client';
import { createRegistry } from '../../server/obs/metrics.ts';
import { createIngestMetrics } from '../../server/obs/ingest-metrics.ts';
import { httpMetrics } from '../../server/obs/http-metrics.ts';
import { registerPoolMetrics } from '../../server/obs/db-metrics.ts';
import { createProtectionMetrics } from '../../server/obs/protection-metrics.ts';

/** Series Prometheus adds itself for each scrape target. */
export const SYNTHETIC_METRICS = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

export interface MetricFamily {
  name: string;
  type: string;
  /** The names a scrape carries for it. */
  series: string[];
}

export async function metricCatalogue(): Promise<MetricFamily[]> {
  const registry: Registry = createRegistry('catalogue');
  createIngestMetrics(registry, { bufferedBytes: () => 0, databaseAvailable: () => true, analyticsPending: () => 0 });
  createProtectionMetrics(registry, { oldestUnflushedBatchAgeMs: () => 0 });
  httpMetrics(registry);
  registerPoolMetrics(registry, {});
  const families = await registry.getMetricsAsJSON();
  return families.map(({ name, type }) => {
    const kind = String(type);
    const series = kind === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : kind === 'summary' ? [name, `${name}_sum`, `${name}_count`] : [name];
    return { name, type: kind, series };
  });
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** The metric names a PromQL expression reads (functions, labels, strings and ranges dropped). */
export function metricsInExpression(expr: string): string[] {
  let e = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  e = e.replace(/\{[^}]*\}/g, ' ');
  e = e.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  e = e.replace(/\[[^\]]*\]/g, ' ');
  const names: string[] = [];
  for (const m of e.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    if (m[1]) continue; // a function or aggregation
    const name = m[0].trim();
    if (KEYWORDS.has(name) || /^\d/.test(name)) continue;
    names.push(name);
  }
  return [...new Set(names)];
}
