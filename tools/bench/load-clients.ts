import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { openLink, type LinkKind } from './links.ts';
import { SharedBatches } from './shared-batches.ts';

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
  kind: LinkKind;
}

export interface LoadResult {
  ackedEvents: number;
  seconds: number;
  latenciesMs: number[];
  /** Per session: the highest seq acknowledged. */
  acked: Map<string, number>;
}


function contiguous(acks: Set<number>, from: number): number {
  let upTo = from;
  while (acks.has(upTo + 1)) upTo++;
  return upTo;
}

/**
 * Clients (WebSocket, Socket.IO or HTTP) that each keep up to `window` batches in flight and count what is
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
  const batches = new SharedBatches(options.events);

  const clients = await Promise.all(options.sessions.map(async (session) => {
    const sentAt = new Map<number, number>();
    let seq = 0;
    let ackedSeq = 0;
    let drainedResolve: () => void = () => undefined;
    const drained = new Promise<void>((r) => (drainedResolve = r));
    // Acks may arrive out of order over HTTP; each one is cumulative for the stream protocols
    // and per batch for HTTP, so count every batch up to the highest contiguous one.
    const acks = new Set<number>();
    const onAck = (ackSeq: number) => {
      const now = performance.now();
      if (options.kind === 'http') acks.add(ackSeq);
      const upTo = options.kind === 'http' ? contiguous(acks, ackedSeq) : ackSeq;
      for (let s = ackedSeq + 1; s <= upTo; s++) {
        const t = sentAt.get(s);
        sentAt.delete(s);
        acks.delete(s);
        if (measuring && t !== undefined) {
          latencies.push(now - t);
          ackedEvents += perBatch;
        }
      }
      ackedSeq = Math.max(ackedSeq, upTo);
      acked.set(session.sessionId, ackedSeq);
      pump();
    };
    const link = await openLink(options.kind, options.url, session, onAck);
    const pump = () => {
      while (!stopping && seq - ackedSeq < options.window && budget >= 1) {
        budget -= 1;
        seq++;
        sentAt.set(seq, performance.now());
        link.sendBatch(batches.get(seq));
      }
      if (stopping && ackedSeq >= seq) drainedResolve();
    };
    return { link, pump, drained };
  }));
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
  for (const c of clients) c.link.close();
  return { ackedEvents, seconds, latenciesMs: latencies, acked };
}
