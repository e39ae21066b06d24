import type { LoadReport } from './run-load.ts';

/** The end-of-run table. `lost` and `duplicates` decide the exit code. */
export function printReport(report: LoadReport): void {
  const n = (v: number | null) => (v === null ? 'n/a (no database URL)' : v.toLocaleString('en'));
  const rows: Array<[string, string]> = [
    ['transport', report.transport],
    ['clients (sessions ended)', `${report.clients} (${report.completedSessions})`],
    ['events sent / acked / unacked', `${n(report.sent)} / ${n(report.acked)} / ${n(report.unacked)}`],
    ['events stored in PostgreSQL', n(report.stored)],
    ['lost / duplicates', `${n(report.lost)} / ${n(report.duplicates)}`],
    ['events/s (acked)', n(report.eventsPerSec)],
    ['ack latency p50 / p90 / p99 / max (ms)', `${report.ackLatencyMs.p50} / ${report.ackLatencyMs.p90} / ${report.ackLatencyMs.p99} / ${report.ackLatencyMs.max}`],
    ['load generator event-loop delay p99 / max (ms)', `${report.generatorDelayMs.p99} / ${report.generatorDelayMs.max}`],
    ['reconnects', String(report.reconnects)],
    ['errors by code', Object.keys(report.errorsByCode).length ? Object.entries(report.errorsByCode).map(([k, v]) => `${k}=${v}`).join(', ') : 'none'],
    ['server memory (peak RSS)', report.serverRssMB === null ? 'n/a (server not local)' : `${report.serverRssMB} MB`],
    ['wall time', `${report.seconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
  const verdict = report.lost === null ? 'NOT CHECKED: no database to count stored events' : report.lost === 0 && report.duplicates === 0 ? 'OK: every acknowledged keystroke stored exactly once' : 'FAIL: keystrokes lost or duplicated';
  process.stdout.write(`${verdict}\n`);
}
