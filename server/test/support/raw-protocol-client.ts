// A keystroke client written from shared/protocol/PROTOCOL.md alone: `ws` and msgpackr,
// plain msgpack maps out (§2 allows them), msgpackr records in (what the server sends).
// Nothing from shared/protocol or the server is imported, so a test using it checks the
// document's promises, not the server's own helpers.
import WebSocket from 'ws';
import { Packr, Unpackr } from 'msgpackr';

const packer = new Packr({ useRecords: false });
const unpacker = new Unpackr({ useRecords: true, mapsAsObjects: true });

/** §3 type ids. */
export const T = { hello: 1, welcome: 2, batch: 3, ack: 4, error: 5, stats: 6, end: 7, ended: 8, throttle: 9, watch: 10 } as const;

export type Received = { t: number; [field: string]: unknown };

export interface RawEvent {
  type: 0 | 1;
  code: string;
  key: string;
  offsetUs: number;
  textPos: number;
  isError: boolean;
  flags: number;
}

export interface RawClient {
  ws: WebSocket;
  received: Received[];
  send(message: Record<string, unknown>): void;
  sendBytes(bytes: Uint8Array): void;
  next(t: number, where?: (m: Received) => boolean, ms?: number): Promise<Received>;
  closed: Promise<{ code: number; reason: string }>;
}

/** The upgrade's refusal, when the server answers HTTP instead of switching protocols. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`upgrade refused: ${status} ${body}`);
  }
}

export function pack(message: Record<string, unknown>): Uint8Array {
  return packer.pack(message);
}

export function connectRaw(baseUrl: string, ticket: string, path = '/ws'): Promise<RawClient> {
  const ws = new WebSocket(`${baseUrl}${path}?ticket=${encodeURIComponent(ticket)}`, { perMessageDeflate: false });
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer) => {
    received.push(unpacker.unpack(data) as Received);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => {
    resolve({ code, reason: reason.toString() });
    for (const w of [...waiters]) w();
  }));
  const client: RawClient = {
    ws,
    received,
    send: (message) => ws.send(packer.pack(message)),
    sendBytes: (bytes) => ws.send(bytes),
    next: (t, where = () => true, ms = 10_000) => new Promise((resolve, reject) => {
      const check = () => {
        const found = received.find((m) => m.t === t && where(m));
        if (found) return done(() => resolve(found));
        if (ws.readyState === WebSocket.CLOSED) done(() => reject(new Error(`closed before message t=${t}; got ${JSON.stringify(received)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no message t=${t} within ${ms} ms; got ${JSON.stringify(received)}`))), ms);
      function done(settle: () => void) {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      }
      waiters.add(check);
      check();
    }),
    closed,
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
    });
    ws.once('error', reject);
  });
}

/** Connects and says hello (§4); resolves with the welcome. */
export async function helloRaw(baseUrl: string, ticket: string, sessionId: string, lastAckedSeq = 0): Promise<{ client: RawClient; welcome: Received }> {
  const client = await connectRaw(baseUrl, ticket);
  client.send({ t: T.hello, v: 1, sessionId, lastAckedSeq, client: 'raw-test/1' });
  return { client, welcome: await client.next(T.welcome) };
}

/** `pairs` keydown/keyup pairs of "a", 100 ms apart, from startUs. */
export function keyPairs(pairs: number, startUs = 0, key = 'a'): RawEvent[] {
  const code = `Key${key.toUpperCase()}`;
  const events: RawEvent[] = [];
  for (let i = 0; i < pairs; i++) {
    events.push({ type: 0, code, key, offsetUs: startUs + i * 100_000, textPos: i, isError: false, flags: 0 });
    events.push({ type: 1, code, key, offsetUs: startUs + i * 100_000 + 60_000, textPos: i, isError: false, flags: 0 });
  }
  return events;
}
