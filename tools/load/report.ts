import type { LoadResult } from './result.ts';

/** The end-of-run table and verdict on stdout. */
export function printReport(result: LoadResult): void {
  const n = (v: number | null) => (v === null ? `n/a (${result.verification.error ? 'could not verify' : 'not verified'})` : v.toLocaleString('en'));
  const g = result.generator;
  const rows: Array<[string, string]> = [
    ['target (server version)', `${result.settings.url} (${result.serverVersion ?? 'unknown'})`],
    ['transport / batching', `${result.transport} / ${result.settings.batchMs} ms or ${result.settings.batchEvents} events`],
    ['typists at peak (sessions started, ended)', `${result.clients} (${result.sessionsStarted}, ${result.completedSessions})`],
    ['events sent / acked / unacked', `${n(result.sent)} / ${n(result.acked)} / ${n(result.unacked)}`],
    [`events stored (verified by ${result.verification.method === 'api' ? 'the load-test route' : result.verification.method})`, n(result.stored)],
    ['lost / duplicates', `${n(result.lost)} / ${n(result.duplicates)}`],
    ['events/s (acked)', n(result.eventsPerSec)],
    ['ack latency p50 / p90 / p99 / max (ms)', `${result.ackLatencyMs.p50} / ${result.ackLatencyMs.p90} / ${result.ackLatencyMs.p99} / ${result.ackLatencyMs.max}`],
    [`generator${result.generators.length > 1 ? 's (busiest)' : ''}: CPU / loop delay p99 / max`, `${g.cpuPercent}% of a core / ${g.eventLoopDelayMs.p99} ms / ${g.eventLoopDelayMs.max} ms`],
    ['reconnects', String(result.reconnects)],
    ['errors by code', Object.keys(result.errorsByCode).length ? Object.entries(result.errorsByCode).map(([k, v]) => `${k}=${v}`).join(', ') : 'none'],
    ['server memory (peak RSS)', result.serverRssMB === null ? 'n/a (no --server-pid)' : `${result.serverRssMB} MB`],
    ['wall time', `${result.seconds} s`],
  ];
  if (result.droppedArrivals) rows.push(['arrivals dropped (all typists busy)', String(result.droppedArrivals)]);
  if (result.drift) rows.push(['soak drift: ack p99 first / last tenth', `${result.drift.ackP99FirstMs} / ${result.drift.ackP99LastMs} ms; server RSS ${result.drift.serverRssFirstMB ?? 'n/a'} / ${result.drift.serverRssLastMB ?? 'n/a'} MB`]);
  if (result.outage) rows.push(['outage: backlog delivered after recovery / drain time', `${result.outage.backlogDelivered} events / ${result.outage.drainSec === null ? 'n/a' : `${result.outage.drainSec} s`}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  for (const t of result.thresholds) lines.push(`${t.ok ? 'ok  ' : 'FAIL'} threshold ${t.threshold} (actual ${t.actual === null ? 'n/a' : +t.actual.toFixed(6)})`);
  for (const w of g.warnings) lines.push(`WARNING ${w}`);
  const d = result.drift;
  if (d && (d.ackP99LastMs > 2 * Math.max(d.ackP99FirstMs, 50) || (d.serverRssFirstMB && d.serverRssLastMB && d.serverRssLastMB > d.serverRssFirstMB * 1.5))) {
    lines.push('WARNING soak drift: latency or server memory grew markedly between the first and the last tenth of the run');
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n${verdict(result)}\n`);
}

function verdict(result: LoadResult): string {
  if (result.acked === 0) return 'FAIL: no event was acknowledged (see errors by code)';
  if ((result.lost ?? 0) > 0 || (result.duplicates ?? 0) > 0) return 'FAIL: keystrokes lost or duplicated';
  const failed = result.thresholds.filter((t) => !t.ok);
  if (failed.length) return `FAIL: ${failed.length} threshold(s) not met`;
  if (result.lost === null) return `NOT VERIFIED: ${result.verification.error ?? 'what was stored could not be counted'}`;
  return 'OK: every acknowledged keystroke stored exactly once';
}
