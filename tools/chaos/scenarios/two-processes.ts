import { MessageType } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { makeEvents } from '../../../server/test/support/ingest-fixtures.ts';
import { openSocket } from '../../../server/test/support/ws-client.ts';
import { FaultProxy } from '../fault-proxy.ts';
import { ChaosEnv } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

/**
 * Two ingest processes on one database: clients whose every reconnect lands on the other
 * process (a round-robin proxy, reset every few seconds), and one session claimed on both
 * processes at once (the later hello wins, the other connection is closed, no row twice).
 */
export const twoProcesses: Scenario = {
  name: 'one session, two ingest processes',
  quick: true,
  async run(quick) {
    const env = await ChaosEnv.create();
    const a = await env.startIngest();
    const b = await env.startIngest();
    const proxy = new FaultProxy([{ host: '127.0.0.1', port: a.port }, { host: '127.0.0.1', port: b.port }]);
    try {
      await proxy.start();
      // Both processes at once.
      const [shared] = await env.sessions(1);
      const onA = await openSocket(a.url, shared!.ticket);
      onA.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: shared!.sessionId, lastAckedSeq: 0, client: 'chaos' });
      await onA.next((m) => m.t === MessageType.Welcome);
      onA.send({ t: MessageType.Batch, seq: 1, events: makeEvents(10) });
      const onB = await openSocket(b.url, shared!.ticket);
      onB.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: shared!.sessionId, lastAckedSeq: 0, client: 'chaos' });
      const welcome = await onB.next((m) => m.t === MessageType.Welcome);
      const closedA = await onA.closed;
      const from = (welcome as { committedSeq: number }).committedSeq + 1;
      for (let seq = from; seq <= 3; seq++) onB.send({ t: MessageType.Batch, seq, events: makeEvents(10, seq * 1_000_000) });
      await onB.next((m) => m.t === MessageType.Ack && m.seq >= 3);
      onB.ws.close();
      const sharedRows = (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [shared!.sessionId])).rows[0]!.n;

      // Clients moving between processes.
      const clients = quick ? 10 : 50;
      let resets = 0;
      const { report } = await env.type({
        clients, seconds: quick ? 6 : 15, ingestUrl: `ws://127.0.0.1:${proxy.port}`, graceSec: 60,
        onSecond: (_stats, elapsed) => {
          if (elapsed > 0 && elapsed % 2 === 0 && elapsed < (quick ? 6 : 15)) resets += proxy.resetAll();
        },
      });
      return fromReport(this.name, report, null, [
        [closedA.code === 4106, `the first connection was closed with ${closedA.code} (SESSION_TAKEN_OVER)`],
        [sharedRows === 30, `the shared session holds ${sharedRows}/30 rows`],
        [resets > 0, `${resets} moves between processes`],
        [report.completedSessions === clients, `${report.completedSessions}/${clients} sessions completed`],
      ]);
    } finally {
      await proxy.stop();
      for (const p of [a, b]) {
        p.process.child.kill('SIGTERM');
        await p.process.exited(10_000);
      }
      await env.destroy();
    }
  },
};
