import type { LoadResult } from './result.ts';
import type { TimelinePoint } from './run-load.ts';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * One self-contained HTML file (inline SVG, no scripts, no network): throughput, latency
 * percentiles and errors over time, the summary table and the thresholds. Opens anywhere,
 * attaches to a CI run as it is.
 */
export function htmlReport(result: LoadResult): string {
  const t = result.timeline;
  const summary: Array<[string, string]> = [
    ['target', `${result.settings.url} (server ${result.serverVersion ?? 'unknown'})`], ['tool', `${result.tool.name} ${result.tool.version}`],
    ['started', result.startedAt], ['typists at peak / sessions', `${result.clients} / ${result.sessionsStarted}`],
    ['sent / acked / stored', `${result.sent} / ${result.acked} / ${result.stored ?? 'n/a'}`], ['lost / duplicates', `${result.lost ?? 'n/a'} / ${result.duplicates ?? 'n/a'}`],
    ['ack p50 / p90 / p99 / max', `${result.ackLatencyMs.p50} / ${result.ackLatencyMs.p90} / ${result.ackLatencyMs.p99} / ${result.ackLatencyMs.max} ms`],
    ['errors', Object.entries(result.errorsByCode).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'],
    ['generators', result.generators.map((g) => `${g.cpuPercent}% CPU, loop p99 ${g.eventLoopDelayMs.p99} ms`).join('; ')],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FingerFlow load test ${escape(result.startedAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #ddd}.fail{color:#b00020}.ok{color:#0a7d2c}svg{background:#fafafa;border:1px solid #ddd}h2{margin-top:1.5em}</style>
</head><body>
<h1>FingerFlow load test</h1>
<table>${summary.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>
${result.thresholds.length ? `<h2>Thresholds</h2><ul>${result.thresholds.map((x) => `<li class="${x.ok ? 'ok' : 'fail'}">${x.ok ? 'ok' : 'FAIL'}: ${escape(x.threshold)} (actual ${x.actual ?? 'n/a'})</li>`).join('')}</ul>` : ''}
${result.generator.warnings.length ? `<h2>Warnings</h2><ul>${result.generator.warnings.map((w) => `<li class="fail">${escape(w)}</li>`).join('')}</ul>` : ''}
<h2>Throughput (acked events per second) and typists connected</h2>
${chart(t, [['eventsPerSec', '#1f77b4', 'events/s'], ['connected', '#999', 'connected']])}
<h2>Ack latency per second (ms)</h2>
${chart(t, [['ackP50Ms', '#2ca02c', 'p50'], ['ackP99Ms', '#ff7f0e', 'p99'], ['ackMaxMs', '#d62728', 'max']])}
<h2>Errors per second</h2>
${chart(t, [['errors', '#b00020', 'errors']])}
<h2>Generator: CPU (% of a core) and longest event-loop stall (ms)</h2>
${chart(t, [['generatorCpuPercent', '#9467bd', 'CPU %'], ['generatorDelayMaxMs', '#8c564b', 'stall ms']])}
<h2>Settings</h2><pre>${escape(JSON.stringify(result.settings, null, 2))}</pre>
</body></html>
`;
}

type Series = [keyof TimelinePoint, string, string];

function chart(points: TimelinePoint[], series: Series[]): string {
  const w = 900;
  const h = 220;
  const pad = 40;
  const maxX = Math.max(1, ...points.map((p) => p.second));
  const maxY = Math.max(1, ...points.flatMap((p) => series.map(([k]) => Number(p[k] ?? 0))));
  const x = (s: number) => pad + (s / maxX) * (w - 2 * pad);
  const y = (v: number) => h - pad + 10 - (v / maxY) * (h - 2 * pad);
  const lines = series.map(([k, colour]) => `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points.map((p) => `${x(p.second).toFixed(1)},${y(Number(p[k] ?? 0)).toFixed(1)}`).join(' ')}"/>`).join('');
  const legend = series.map(([, colour, label], i) => `<text x="${pad + i * 110}" y="14" fill="${colour}">${label}</text>`).join('');
  const axes = `<line x1="${pad}" y1="${h - pad + 10}" x2="${w - pad}" y2="${h - pad + 10}" stroke="#333"/><line x1="${pad}" y1="${pad - 10}" x2="${pad}" y2="${h - pad + 10}" stroke="#333"/>
<text x="${pad - 4}" y="${pad - 4}" text-anchor="end" font-size="11">${maxY}</text><text x="${pad - 4}" y="${h - pad + 10}" text-anchor="end" font-size="11">0</text>
<text x="${w - pad}" y="${h - 8}" text-anchor="end" font-size="11">${maxX} s</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img">${legend}${axes}${lines}</svg>`;
}
