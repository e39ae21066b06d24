import { closeCodeFor, isErrorCode, shouldReconnect } from '../../../shared/protocol/codes.ts';
import type { RunStats } from '../../load/run-stats.ts';
import { ChaosEnv } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

/**
 * The ingest server away for 90 s while everyone keeps typing (issue 16): the typists' batches
 * pile up in their outboxes, and when the server is back each client resends its whole backlog
 * (about 450 batches at one every 200 ms). The frame budget must deliver it, with throttle
 * rather than a permanent close: nothing lost, nothing doubled, every session completed, no
 * client told never to reconnect.
 */
export const ingestOutage: Scenario = {
  name: 'ingest away 90 s, backlog resent',
  quick: false,
  async run(quick) {
    const env = await ChaosEnv.create();
    try {
      let ingest = await env.startIngest();
      const outageSeconds = quick ? 10 : 90;
      const clients = quick ? 20 : 100;
      let downAt = 0;
      let upAt = 0;
      let ackedAtUp = 0;
      let sentAtUp = 0;
      let stats: RunStats | null = null;
      let restarting: Promise<void> | null = null;
      const { report } = await env.type({
        clients, seconds: outageSeconds + 10, ingestUrl: ingest.url, graceSec: 120,
        onSecond: (now, elapsed) => {
          stats = now;
          if (elapsed === 3 && !downAt) {
            downAt = Date.now();
            ingest.process.child.kill('SIGKILL');
          }
          if (downAt && !restarting && Date.now() - downAt >= outageSeconds * 1000) {
            restarting = ingest.process.exited(5000).then(() => env.startIngest(ingest.port)).then((next) => {
              ingest = next;
              upAt = Date.now();
              ackedAtUp = now.ackedEvents;
              sentAtUp = now.sentEvents;
              // Acks of events typed before now are the backlog's, whenever they come: the
              // drain is timed by its last one, not by a once-a-second look at the counters
              // (which, while typing goes on, seldom finds nothing in flight).
              now.markBacklog(upAt);
            });
          }
        },
      });
      // Set inside the progress callback, which TypeScript's narrowing does not follow.
      await (restarting as Promise<void> | null);
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      const permanent = Object.entries(report.errorsByCode).filter(([code]) => isErrorCode(code) && !shouldReconnect(closeCodeFor(code)));
      const deliveredAfter = report.acked - ackedAtUp;
      // Set inside the progress callback, which TypeScript's narrowing does not follow.
      const final = stats as RunStats | null;
      const drainedAt = final && upAt && final.backlogDelivered >= sentAtUp - ackedAtUp ? final.lastBacklogAckAt : 0;
      return fromReport(this.name, report, drainedAt && upAt ? (drainedAt - upAt) / 1000 : null, [
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
        [deliveredAfter > 0, `${deliveredAfter.toLocaleString('en')} events delivered after the server came back`],
        [drainedAt > 0, drainedAt ? `backlog drained ${((drainedAt - upAt) / 1000).toFixed(1)} s after the restart` : 'the backlog never drained'],
        [permanent.length === 0, permanent.length ? `permanent refusals: ${permanent.map(([c, n]) => `${c} x${n}`).join(', ')}` : 'no permanent refusal'],
      ]);
    } finally {
      await env.destroy();
    }
  },
};
