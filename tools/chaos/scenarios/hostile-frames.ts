import WebSocket from 'ws';
import { Random } from '../../load/random.ts';
import { ChaosEnv, rssMB } from '../harness.ts';
import { hostileFrame } from '../hostile-frames.ts';
import { fromChecks, type Scenario } from '../result.ts';

// Every close code the protocol documents (PROTOCOL.md), plus 1006 for frames the transport
// cuts before reading them. Anything else, 1011 above all, would be an unplanned path.
const DOCUMENTED = new Set([1000, 1006, 4000, 4001, 4002, 4003, 4004, 4005, 4100, 4101, 4102, 4103, 4104, 4105, 4106, 4107, 4108, 4109, 4110, 4111, 4112, 4113, 4114, 4115]);
const HEAP_MB = 96;

/** 100,000 hostile frames (2,000 in the quick run) against a server with a small heap. */
export const hostileFrames: Scenario = {
  name: 'hostile frames under a small heap',
  quick: true,
  async run(quick) {
    const env = await ChaosEnv.create();
    const ingest = await env.startIngest(undefined, {}, [`--max-old-space-size=${HEAP_MB}`]);
    try {
      const total = quick ? 2000 : 100_000;
      const [session] = await env.sessions(1);
      const url = `${ingest.url}/ws?ticket=${encodeURIComponent(session!.ticket)}`;
      const rng = new Random(99);
      const codes = new Map<number, number>();
      let next = 0;
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMB(ingest.process.child.pid!))), 1000);
      const worker = async () => {
        while (next < total) {
          const frame = hostileFrame(rng, next++, session!.sessionId);
          const code = await sendOne(url, frame);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      clearInterval(sampler);
      peak = Math.max(peak, rssMB(ingest.process.child.pid!));
      const health = await fetch(`http://127.0.0.1:${ingest.port}/ingest/health`).then((r) => r.ok).catch(() => false);
      const undocumented = [...codes].filter(([code]) => !DOCUMENTED.has(code));
      const summary = [...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}x${n}`).join(' ');
      return fromChecks(this.name, [
        [health && ingest.process.child.exitCode === null, 'the server is up and healthy afterwards'],
        [undocumented.length === 0, `every answer used a documented close code (${summary})`],
        [peak < HEAP_MB + 220, `peak RSS ${Math.round(peak)} MB with a ${HEAP_MB} MB heap limit`],
      ], `${total} frames`);
    } finally {
      ingest.process.child.kill('SIGTERM');
      await ingest.process.exited(10_000);
      await env.destroy();
    }
  },
};

/** Opens a connection, sends one frame, and returns how the server closed it. */
function sendOne(url: string, frame: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => ws.terminate(), 3000);
    ws.on('open', () => ws.send(frame));
    ws.on('message', () => ws.close(1000)); // accepted (a valid hello): the client leaves
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
