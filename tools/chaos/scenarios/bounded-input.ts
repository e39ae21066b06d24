import WebSocket from 'ws';
import { ChaosEnv } from '../harness.ts';
import { fromChecks, type Scenario } from '../result.ts';
import { connectRaw, helloRaw, keyPairs, pack, T, UpgradeRefused } from '../../../server/test/support/raw-protocol-client.ts';

/**
 * Input the protocol's types allow but a server must not obey (issue 15), sent by a client
 * written from PROTOCOL.md: a session spanning 2^53-1 us and one spanning 1e12 us, offsets
 * going backwards, invalid UTF-8, a resent seq with new content, a lastAckedSeq beyond what
 * was stored, more sockets on one ticket than allowed, an unknown path. Each gets its
 * documented answer, is logged, and the server stays healthy.
 */
export const boundedInput: Scenario = {
  name: 'valid-looking input that must not exhaust the server',
  quick: true,
  async run() {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest(undefined, { INGEST_MAX_CONNECTIONS_PER_TICKET: '4' });
    const checks: Array<[boolean, string]> = [];
    try {
      const closeOf = async (events: unknown[]) => {
        const [s] = await env.sessions(1);
        const { client } = await helloRaw(ingest.url, s!.ticket, s!.sessionId);
        client.send({ t: T.batch, seq: 1, events });
        return (await client.closed).code;
      };
      const pair = keyPairs(1);
      for (const last of [2 ** 53 - 1, 1e12]) {
        const code = await closeOf([pair[0], { ...pair[1], offsetUs: last }]);
        checks.push([code === 4113, `offset ${last}: close ${code} (SESSION_TOO_LONG 4113)`]);
      }
      const backwards = await closeOf([{ ...pair[0], offsetUs: 5_000_000 }, { ...pair[1], offsetUs: 1_000_000 }]);
      checks.push([backwards === 4114, `decreasing offsets: close ${backwards} (OFFSET_DECREASED 4114)`]);

      const [u] = await env.sessions(1);
      const utf = await helloRaw(ingest.url, u!.ticket, u!.sessionId);
      const frame = Uint8Array.from(pack({ t: T.batch, seq: 1, events: [{ ...pair[0], key: 'q' }] }));
      frame[frame.lastIndexOf(0x71)] = 0xff;
      utf.client.sendBytes(frame);
      const utfCode = (await utf.client.closed).code;
      checks.push([utfCode === 4101, `invalid UTF-8: close ${utfCode} (MALFORMED_FRAME 4101)`]);

      const [c] = await env.sessions(1);
      const conflict = await helloRaw(ingest.url, c!.ticket, c!.sessionId, 9);
      conflict.client.send({ t: T.batch, seq: 1, events: keyPairs(2, 0, 'a') });
      await conflict.client.next(T.ack);
      conflict.client.send({ t: T.batch, seq: 1, events: keyPairs(2, 0, 'z') });
      await waitFor(() => ingest.process.output().includes('"event":"ingest_seq_conflict"'));
      conflict.client.ws.close();
      checks.push([ingest.process.output().includes('"event":"ingest_seq_conflict"'), 'a resent seq with new content is logged (ingest_seq_conflict)']);
      checks.push([ingest.process.output().includes('"event":"ingest_acked_data_lost"'), 'lastAckedSeq 9 > committedSeq 0 is logged (ingest_acked_data_lost)']);
      checks.push([ingest.process.output().includes('"event":"ingest_protocol_violation"'), 'refusals are logged with session and code (ingest_protocol_violation)']);

      const [t] = await env.sessions(1);
      const held = await Promise.all(Array.from({ length: 4 }, () => connectRaw(ingest.url, t!.ticket)));
      const fifth = await connectRaw(ingest.url, t!.ticket).then(() => 0, (e: unknown) => (e instanceof UpgradeRefused ? e.status : -1));
      checks.push([fifth === 429, `a 5th socket on one ticket: HTTP ${fifth} (429 TOO_MANY_CONNECTIONS)`]);
      for (const h of held) h.ws.close();

      const unknown = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${ingest.url}/elsewhere`);
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => resolve(-1));
      });
      checks.push([unknown === 404, `an upgrade on an unknown path: HTTP ${unknown} (404)`]);

      const health = await fetch(`http://127.0.0.1:${ingest.port}/ingest/health`).then((r) => r.json() as Promise<{ database: string }>).catch(() => undefined);
      checks.push([health?.database === 'available' && ingest.process.child.exitCode === null, 'the server is up and healthy afterwards']);
      return fromChecks(this.name, checks);
    } finally {
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !check(); waited += 50) await new Promise((r) => setTimeout(r, 50));
}
