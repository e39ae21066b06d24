import { ChaosEnv } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

/** kill -9 of the ingest process mid-stream, restarted on the same port. */
export const killIngest: Scenario = {
  name: 'kill -9 ingest, restart',
  quick: true,
  async run(quick) {
    const env = await ChaosEnv.create();
    try {
      let ingest = await env.startIngest();
      const clients = quick ? 20 : 100;
      let killedAt = 0;
      let resumed: number[] = [];
      const run = env.type({
        clients, seconds: quick ? 10 : 15, ingestUrl: ingest.url,
        onSecond: (stats, elapsed) => {
          resumed = stats.resumedAt;
          if (elapsed === 2 && !killedAt) {
            killedAt = Date.now();
            ingest.process.child.kill('SIGKILL');
            void ingest.process.exited(5000).then(() => env.startIngest(ingest.port)).then((next) => (ingest = next));
          }
        },
      });
      const { report } = await run;
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      // Recovery: from the kill until the last client was welcomed back by the new process.
      const after = resumed.filter((t) => t >= killedAt);
      const recovery = after.length ? (Math.max(...after) - killedAt) / 1000 : null;
      return fromReport(this.name, report, recovery, [
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
        [after.length >= clients, `${after.length}/${clients} clients welcomed back after the kill`],
      ]);
    } finally {
      await env.destroy();
    }
  },
};
