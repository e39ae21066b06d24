import { MessageType, type ServerMessage } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { makeEvents } from '../../../server/test/support/ingest-fixtures.ts';
import { openSocket } from '../../../server/test/support/ws-client.ts';
import { FaultProxy } from '../fault-proxy.ts';
import { ChaosEnv, sleep } from '../harness.ts';
import { fromReport, type Scenario } from '../result.ts';

const BATCHES = 30;
const EVENTS = 20;

/**
 * Acks dropped on the way back (by the fault proxy): the client, hearing nothing, resends
 * the same batch on the same connection and, after a reset, on a new one; every resend is
 * acknowledged and nothing is stored twice.
 */
export const lostAck: Scenario = {
  name: 'lost acks, resent batches',
  quick: true,
  async run() {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest();
    const proxy = new FaultProxy({ host: '127.0.0.1', port: ingest.port });
    try {
      await proxy.start();
      const [session] = await env.sessions(1);
      const url = `ws://127.0.0.1:${proxy.port}`;
      let socket = await openSocket(url, session!.ticket);
      const hello = () => socket.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: session!.sessionId, lastAckedSeq: 0, client: 'chaos' });
      hello();
      await socket.next((m) => m.t === MessageType.Welcome);
      const acked = (seq: number) => (m: ServerMessage) => m.t === MessageType.Ack && m.seq >= seq;
      let resends = 0;
      for (let seq = 1; seq <= BATCHES; seq++) {
        const batch = { t: MessageType.Batch, seq, events: makeEvents(EVENTS, seq * 10_000_000) } as const;
        if (seq % 3 === 0) proxy.dropAcks = 1;
        socket.send(batch);
        // A client that hears no ack in time resends: on the same connection every third
        // batch, and after a connection reset every fifth.
        const ok = await socket.next(acked(seq), 400).then(() => true, () => false);
        if (ok) continue;
        resends++;
        if (seq % 5 === 0) {
          proxy.resetAll();
          await socket.closed;
          socket = await openSocket(url, session!.ticket);
          hello();
          await socket.next((m) => m.t === MessageType.Welcome);
        }
        socket.send(batch);
        await socket.next(acked(seq), 5000);
      }
      socket.ws.close();
      await sleep(100);
      const { rows } = await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [session!.sessionId]);
      const stored = rows[0]!.n;
      const sent = BATCHES * EVENTS;
      const report = { sent, acked: sent, stored, lost: Math.max(0, sent - stored), duplicates: Math.max(0, stored - sent), completedSessions: 1 };
      return fromReport(this.name, { ...report, transport: 'ws', clients: 1, unacked: 0, eventsPerSec: 0, ackLatencyMs: { p50: 0, p90: 0, p99: 0, max: 0 }, errorsByCode: {}, reconnects: 0, serverRssMB: null, generator: { cpuPercent: 0, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 }, warnings: [] }, sessionsStarted: 1, verification: { method: 'database' }, ackLatencyHistogram: '', errorRate: 0, droppedArrivals: 0, startedAt: new Date().toISOString(), timeline: [], seconds: 0 }, null, [
        [proxy.droppedAcks >= BATCHES / 3, `${proxy.droppedAcks} acks dropped, ${resends} batches resent`],
      ]);
    } finally {
      await proxy.stop();
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};
