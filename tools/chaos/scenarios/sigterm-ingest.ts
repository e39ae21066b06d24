import { ChaosEnv } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

/** SIGTERM mid-stream: the process drains (commits and acks what it holds), exits 0, clients move on. */
export const sigtermIngest: Scenario = {
  name: 'SIGTERM ingest mid-stream',
  quick: false,
  async run(quick) {
    const env = await ChaosEnv.create();
    try {
      let ingest = await env.startIngest();
      const clients = quick ? 20 : 100;
      let exitCode: number | string | undefined;
      let drained = false;
      let stoppedAt = 0;
      let resumed: number[] = [];
      const { report } = await env.type({
        clients, seconds: quick ? 6 : 15, ingestUrl: ingest.url,
        onSecond: (stats, elapsed) => {
          resumed = stats.resumedAt;
          if (elapsed === 2 && !stoppedAt) {
            stoppedAt = Date.now();
            const old = ingest;
            old.process.child.kill('SIGTERM');
            void old.process.exited(10_000).then((code) => {
              exitCode = code;
              drained = /"event":"ingest_drained","flushed":true/.test(old.process.output());
              return env.startIngest(old.port);
            }).then((next) => (ingest = next));
          }
        },
      });
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      const after = resumed.filter((t) => t >= stoppedAt);
      return fromReport(this.name, report, after.length ? (Math.max(...after) - stoppedAt) / 1000 : null, [
        [after.length >= clients, `${after.length}/${clients} clients welcomed back`],
        [exitCode === 0, `exit code ${exitCode}`],
        [drained, 'buffered batches committed and acknowledged before exit'],
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
      ]);
    } finally {
      await env.destroy();
    }
  },
};
