import type { LoadResult } from './result.ts';

/**
 * The generator's figures in the OpenMetrics text format, for a Prometheus textfile
 * collector or a push gateway: counters, the ack latency as a summary, errors by code,
 * generator health. Labels carry the run tag so runs can be told apart.
 */
export function openMetrics(result: LoadResult): string {
  const run = `run="${result.settings.runTag}",transport="${result.transport}"`;
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
    out.push(`# TYPE ${name} ${type}`, `# HELP ${name} ${help}`);
    for (const [suffixAndLabels, value] of samples) out.push(`${name}${suffixAndLabels} ${Number.isFinite(value) ? value : 0}`);
  };
  metric('fingerflow_load_events_sent', 'counter', 'Keystroke events sent.', [[`_total{${run}}`, result.sent]]);
  metric('fingerflow_load_events_acked', 'counter', 'Keystroke events acknowledged.', [[`_total{${run}}`, result.acked]]);
  metric('fingerflow_load_events_unacked', 'gauge', 'Events never acknowledged.', [[`{${run}}`, result.unacked]]);
  if (result.lost !== null) metric('fingerflow_load_events_lost', 'gauge', 'Acknowledged events not stored.', [[`{${run}}`, result.lost]]);
  if (result.duplicates !== null) metric('fingerflow_load_events_duplicated', 'gauge', 'Events stored more than once.', [[`{${run}}`, result.duplicates]]);
  metric('fingerflow_load_ack_latency_seconds', 'summary', 'Time from sending a batch to its acknowledgement.', [
    ...([[0.5, result.ackLatencyMs.p50], [0.9, result.ackLatencyMs.p90], [0.99, result.ackLatencyMs.p99]] as const).map(([q, v]) => [`{${run},quantile="${q}"}`, v / 1000] as [string, number]),
  ]);
  metric('fingerflow_load_errors', 'counter', 'Errors by code.', Object.entries(result.errorsByCode).map(([code, n]) => [`_total{${run},code="${code}"}`, n]));
  metric('fingerflow_load_reconnects', 'counter', 'Reconnections.', [[`_total{${run}}`, result.reconnects]]);
  metric('fingerflow_load_generator_cpu_ratio', 'gauge', 'CPU of each generator, in cores.', result.generators.map((g, i) => [`{${run},generator="${i}"}`, g.cpuPercent / 100]));
  metric('fingerflow_load_generator_event_loop_delay_seconds', 'gauge', 'Event-loop delay p99 of each generator.', result.generators.map((g, i) => [`{${run},generator="${i}"}`, g.eventLoopDelayMs.p99 / 1000]));
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
