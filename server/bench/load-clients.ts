import WebSocket from 'ws';
import { decodeMessage, encodeMessage } from '../../shared/protocol/codec.ts';
import { MessageType } from '../../shared/protocol/messages.ts';
import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';

export interface BenchSession {
  sessionId: string;
  ticket: string;
}

export interface LoadOptions {
  url: string;
  sessions: BenchSession[];
  events: KeyEvent[];
  /** Unacknowledged batches a client may have out at once. */
  window: number;
  durationMs: number;
  /** Total events per second to offer; unset = as fast as acks allow. */
  targetEventsPerSec?: number;
}

export interface LoadResult {
  ackedEvents: number;
  seconds: number;
  latenciesMs: number[];
  /** Per session: the highest seq acknowledged. */
  acked: Map<string, number>;
}

const decodeLimits = { maxFrameBytes: 1 << 20, maxEventsPerBatch: 100_000, maxDepth: 4, maxValues: 1 << 22 };

/**
 * WebSocket clients that each keep up to `window` batches in flight and count what is
 * acknowledged (durably committed) during the measured interval.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const perBatch = options.events.length;
  const latencies: number[] = [];
  const acked = new Map<string, number>();
  let ackedEvents = 0;
  let measuring = false;
  let stopping = false;
  // Pacing: a shared budget of batches, refilled every 5 ms.
  const batchesPerSec = options.targetEventsPerSec ? options.targetEventsPerSec / perBatch : Number.POSITIVE_INFINITY;
  let budget = Number.isFinite(batchesPerSec) ? 0 : Number.POSITIVE_INFINITY;
  const pumps: Array<() => void> = [];

  const clients = await Promise.all(options.sessions.map((session) => new Promise<{ ws: WebSocket; pump: () => void; drained: Promise<void> }>((resolve, reject) => {
    const ws = new WebSocket(`${options.url}/ws?ticket=${encodeURIComponent(session.ticket)}`, { perMessageDeflate: false });
    const sentAt = new Map<number, number>();
    let seq = 0;
    let ackedSeq = 0;
    let drainedResolve: () => void = () => undefined;
    const drained = new Promise<void>((r) => (drainedResolve = r));
    const pump = () => {
      while (!stopping && ws.readyState === WebSocket.OPEN && seq - ackedSeq < options.window && budget >= 1) {
        budget -= 1;
        seq++;
        sentAt.set(seq, performance.now());
        ws.send(encodeMessage({ t: MessageType.Batch, seq, events: options.events }));
      }
      if (stopping && ackedSeq >= seq) drainedResolve();
    };
    ws.on('message', (data: Buffer) => {
      const decoded = decodeMessage(new Uint8Array(data), decodeLimits);
      if (!decoded.ok) return;
      const m = decoded.message;
      if (m.t === MessageType.Welcome) return resolve({ ws, pump, drained });
      if (m.t === MessageType.Ack) {
        const now = performance.now();
        for (let s = ackedSeq + 1; s <= m.seq; s++) {
          const t = sentAt.get(s);
          sentAt.delete(s);
          if (measuring && t !== undefined) {
            latencies.push(now - t);
            ackedEvents += perBatch;
          }
        }
        ackedSeq = Math.max(ackedSeq, m.seq);
        acked.set(session.sessionId, ackedSeq);
        pump();
      }
    });
    ws.on('close', () => drainedResolve());
    ws.once('open', () => ws.send(encodeMessage({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: session.sessionId, lastAckedSeq: 0, client: 'bench' })));
    ws.once('error', reject);
  })));
  for (const c of clients) pumps.push(c.pump);

  const refill = setInterval(() => {
    if (Number.isFinite(batchesPerSec)) budget = Math.min(budget + batchesPerSec * 0.005, batchesPerSec * 0.05 + 1);
    for (const p of pumps) p();
  }, 5);
  measuring = true;
  const started = performance.now();
  for (const p of pumps) p();
  await new Promise((r) => setTimeout(r, options.durationMs));
  const seconds = (performance.now() - started) / 1000;
  measuring = false;
  stopping = true;
  for (const p of pumps) p();
  await Promise.race([Promise.all(clients.map((c) => c.drained)), new Promise((r) => setTimeout(r, 10_000))]);
  clearInterval(refill);
  for (const c of clients) c.ws.close();
  return { ackedEvents, seconds, latenciesMs: latencies, acked };
}
