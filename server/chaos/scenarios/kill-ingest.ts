import { ChaosEnv, sleep } from '../harness.ts';
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
      let resumedAt = 0;
      const run = env.type({
        clients, seconds: quick ? 6 : 15, ingestUrl: ingest.url,
        onSecond: (stats, elapsed) => {
          if (killedAt && !resumedAt && stats.connections >= clients) resumedAt = Date.now();
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
      const recovery = resumedAt ? (resumedAt - killedAt) / 1000 : null;
      return fromReport(this.name, report, recovery, [
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
        [report.reconnects >= clients, `${report.reconnects} reconnects`],
        [resumedAt > 0, 'every client resumed'],
      ]);
    } finally {
      await env.destroy();
    }
  },
};
