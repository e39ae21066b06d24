import net from 'node:net';
import WebSocket from 'ws';
import { MessageType } from '../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import { encodeMessage } from '../../../shared/protocol/codec.ts';
import { openSocket } from '../../../server/test/support/ws-client.ts';
import { makeEvents } from '../../../server/test/support/ingest-fixtures.ts';
import { ChaosEnv } from '../harness.ts';
import { fromChecks, type Scenario } from '../result.ts';

/**
 * Abuse of the transport: oversized frames, an offer of compression, a flood of frames from
 * one client, and sockets dropped halfway through the upgrade. (A client that never reads is
 * not provoked here: the server sends 8-byte acks at most 200 times a second per client, so
 * filling the kernel's buffers and then the 1 MB backpressure limit would take hours; the
 * SLOW_CONSUMER close is covered by the unit tests of the connection core.)
 */
export const transportAbuse: Scenario = {
  name: 'oversize, compression, flood, broken upgrades',
  quick: false,
  async run() {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest();
    try {
      const checks: Array<[boolean, string]> = [];
      const [s1, s2, s3] = await env.sessions(3);
      const over = await openSocket(ingest.url, s1!.ticket);
      over.sendRaw(new Uint8Array(65_537).fill(0xc0));
      checks.push([(await over.closed).code === 4102, 'a frame just over the limit: 4102 FRAME_TOO_LARGE']);
      const huge = await openSocket(ingest.url, s1!.ticket);
      huge.sendRaw(new Uint8Array(4 << 20));
      checks.push([(await huge.closed).code === 1006, 'a 4 MB frame: cut by the transport before it is read']);

      const deflate = new WebSocket(`${ingest.url}/ws?ticket=${encodeURIComponent(s2!.ticket)}`, { perMessageDeflate: true });
      await new Promise((resolve, reject) => deflate.once('open', resolve).once('error', reject));
      checks.push([deflate.extensions === '', `compression offered, not negotiated (extensions: "${deflate.extensions}")`]);
      deflate.close();

      const flood = await openSocket(ingest.url, s3!.ticket);
      flood.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: s3!.sessionId, lastAckedSeq: 0, client: 'flood' });
      await flood.next((m) => m.t === MessageType.Welcome);
      // The same batch again and again: each one valid (a resend), so only the frame budget stops
      // it: throttle first, then, a second burst beyond, a close with a reconnect code.
      const frame = encodeMessage({ t: MessageType.Batch, seq: 1, events: makeEvents(1) });
      for (let i = 0; i < 2000 && flood.ws.readyState === WebSocket.OPEN; i++) flood.ws.send(frame);
      const floodClose = (await flood.closed).code;
      const throttled = flood.received.some((m) => m.t === MessageType.Throttle);
      checks.push([floodClose === 4005 && throttled, `a flood of valid frames is throttled, then cut off with 4005 THROTTLE_IGNORED (${floodClose})`]);

      for (let i = 0; i < 200; i++) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(ingest.port, '127.0.0.1', () => {
            socket.write(`GET /ws?ticket=${encodeURIComponent(s1!.ticket)} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Up`);
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, i % 2 ? 0 : 5);
          });
          socket.on('error', () => resolve());
        });
      }
      const health = await fetch(`http://127.0.0.1:${ingest.port}/ingest/health`).then((r) => r.ok).catch(() => false);
      checks.push([health && ingest.process.child.exitCode === null, '200 sockets closed during the upgrade; the server is up']);
      return fromChecks(this.name, checks);
    } finally {
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};
