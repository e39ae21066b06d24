import { ChaosEnv, sleep } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

/**
 * The PostgreSQL postmaster stopped with SIGSTOP under typists (issue 15: a stall, not a
 * crash: existing backends live on, new connections hang), then continued. The ingest
 * health must say "unavailable" during the stall and log it, the oldest unflushed batch
 * must be visible, and afterwards nothing acknowledged is lost or doubled.
 */
export const postmasterStopped: Scenario = {
  name: 'PostgreSQL postmaster stopped (SIGSTOP), then continued',
  quick: false,
  async run(quick) {
    const env = await ChaosEnv.create();
    const pid = env.cluster.server.pid!;
    try {
      const ingest = await env.startIngest();
      const stopSeconds = quick ? 6 : 20;
      let stoppedAt = 0;
      let continuedAt = 0;
      let sawUnavailable = false;
      let oldestMs = 0;
      let ackedAtContinue = 0;
      let recoveredAt = 0;
      const { report } = await env.type({
        clients: quick ? 20 : 100, seconds: stopSeconds + 10, ingestUrl: ingest.url, graceSec: 60, serverPid: ingest.process.child.pid,
        onSecond: (stats, elapsed) => {
          if (elapsed === 3 && !stoppedAt) {
            stoppedAt = Date.now();
            process.kill(pid, 'SIGSTOP');
          }
          if (stoppedAt && !continuedAt) {
            void fetch(`http://127.0.0.1:${ingest.port}/ingest/health`).then((r) => r.json() as Promise<{ database: string; oldestUnflushedBatchAgeMs: number }>).then((h) => {
              if (h.database === 'unavailable') sawUnavailable = true;
              oldestMs = Math.max(oldestMs, h.oldestUnflushedBatchAgeMs);
            }, () => undefined);
            if (Date.now() - stoppedAt >= stopSeconds * 1000) {
              continuedAt = Date.now();
              ackedAtContinue = stats.ackedEvents;
              process.kill(pid, 'SIGCONT');
            }
          }
          if (continuedAt && !recoveredAt && stats.ackedEvents > ackedAtContinue) recoveredAt = Date.now();
        },
      });
      if (!continuedAt) process.kill(pid, 'SIGCONT');
      await sleep(2500);
      const health = await fetch(`http://127.0.0.1:${ingest.port}/ingest/health`).then((r) => r.json() as Promise<{ database: string }>).catch(() => undefined);
      const logged = ingest.process.output().includes('"event":"ingest_database_not_answering"');
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      return fromReport(this.name, report, recoveredAt ? (recoveredAt - continuedAt) / 1000 : null, [
        [sawUnavailable, 'the ingest health said "unavailable" during the stall'],
        [logged, 'the stall was logged (ingest_database_not_answering)'],
        [true, `oldest unflushed batch seen during the stall: ${(oldestMs / 1000).toFixed(1)} s`],
        [health?.database === 'available', 'the health says "available" again afterwards'],
      ]);
    } finally {
      try { process.kill(pid, 'SIGCONT'); } catch { /* already gone */ }
      await env.destroy();
    }
  },
};
