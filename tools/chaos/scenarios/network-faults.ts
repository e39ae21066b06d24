import { FaultProxy } from '../fault-proxy.ts';
import { ChaosEnv } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

/**
 * Connection resets every few seconds and a stretch where the network swallows everything,
 * injected by the harness's proxy (no nftables on these machines; the proxy cuts at the TCP
 * level, which is what a client sees of a dropped or reset link).
 */
export const networkFaults: Scenario = {
  name: 'network resets and drops',
  quick: false,
  async run(quick) {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest();
    const proxy = new FaultProxy({ host: '127.0.0.1', port: ingest.port });
    try {
      await proxy.start();
      const clients = quick ? 20 : 100;
      let resets = 0;
      let lastFaultAt = 0;
      let resumed: number[] = [];
      const { report } = await env.type({
        clients, seconds: quick ? 8 : 20, ingestUrl: `ws://127.0.0.1:${proxy.port}`, graceSec: 60,
        onSecond: (stats, elapsed) => {
          if (elapsed > 0 && elapsed % 3 === 0 && elapsed < (quick ? 8 : 20)) {
            resets += proxy.resetAll();
            lastFaultAt = Date.now();
          }
          if (elapsed === 5) {
            proxy.blackhole(1500);
            lastFaultAt = Date.now();
          }
          resumed = stats.resumedAt;
        },
      });
      // Recovery: from the last fault until the last client was welcomed back.
      const after = resumed.filter((t) => t >= lastFaultAt);
      return fromReport(this.name, report, after.length ? (Math.max(...after) - lastFaultAt) / 1000 : null, [
        [resets > 0, `${resets} connections reset`],
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
      ]);
    } finally {
      await proxy.stop();
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};
