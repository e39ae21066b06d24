import { FaultProxy } from '../fault-proxy.ts';
import { ChaosEnv } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';
import { compactSessions } from '../../../server/db/keystroke-compaction.ts';

const EVERY_MS = 250;

/**
 * Compaction of sessions still being typed (migration 0015) as often as it can run: every
 * 250 ms every open session is compacted up to its committed_seq, while typists stream,
 * their connections are reset every few seconds and they resend what was not acknowledged.
 * The servers only do this an hour after a session's last write; here it races every flush
 * and every resend instead. Exactly-once must hold anyway.
 */
export const compactionWhileTyping: Scenario = {
  name: 'open sessions compacted while typed and reset',
  quick: true,
  async run(quick) {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest();
    const proxy = new FaultProxy({ host: '127.0.0.1', port: ingest.port });
    let typing = true;
    let passes = 0;
    let rowsMerged = 0;
    let failure: Error | undefined;
    const compactor = (async () => {
      while (typing) {
        const open = (await env.db.query<{ id: string }>('SELECT id FROM typing_sessions WHERE ended_at IS NULL')).rows.map((r) => r.id);
        rowsMerged += await compactSessions(env.db, open);
        passes++;
        await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
      }
    })().catch((error: unknown) => {
      failure = error as Error;
    });
    try {
      await proxy.start();
      const clients = quick ? 20 : 100;
      const seconds = quick ? 8 : 20;
      let resets = 0;
      const { report } = await env.type({
        clients, seconds, ingestUrl: `ws://127.0.0.1:${proxy.port}`, graceSec: 60,
        onSecond: (_stats, elapsed) => {
          if (elapsed > 0 && elapsed % 3 === 0 && elapsed < seconds) resets += proxy.resetAll();
        },
      });
      typing = false;
      await compactor;
      return fromReport(this.name, report, null, [
        [rowsMerged > 0 && !failure, `${passes} compaction passes merged ${rowsMerged} rows of open sessions${failure ? `, then failed: ${failure.message}` : ''}`],
        [resets > 0, `${resets} connections reset`],
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
      ]);
    } finally {
      typing = false;
      await compactor;
      await proxy.stop();
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};
