import cliProgress from 'cli-progress';
import type { ProgressSample } from './run-load.ts';

/**
 * A live bar on a terminal; on a pipe (CI, logs) a plain line every 5 s instead, so the
 * output stays readable.
 */
export function createProgress(totalSec: number): { update: (s: ProgressSample) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let last = 0;
    let worstP99 = 0;
    return {
      update: (s) => {
        // The line shows the worst second since the last line, so no slow second goes unseen.
        worstP99 = Math.max(worstP99, s.ackP99Ms);
        if (s.elapsedSec - last < 5) return;
        last = s.elapsedSec;
        process.stderr.write(`[load] ${s.elapsedSec}/${s.totalSec} s  clients ${s.connected}/${s.clients}  ${s.eventsPerSec} ev/s  ack p99 ${worstP99} ms (worst second)\n`);
        worstP99 = 0;
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar({
    format: ' {bar} {value}/{total} s | clients {connected}/{clients} | {eps} ev/s | ack p99 {p99} ms',
    stream: process.stderr,
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  bar.start(totalSec, 0, { connected: 0, clients: 0, eps: 0, p99: 0 });
  return {
    update: (s) => bar.update(Math.min(s.elapsedSec, totalSec), { connected: s.connected, clients: s.clients, eps: s.eventsPerSec, p99: s.ackP99Ms }),
    stop: () => bar.stop(),
  };
}
