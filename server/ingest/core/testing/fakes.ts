/**
 * In-memory ports for the pure ingest core: they record what a client would see (messages,
 * close codes) and what would be stored, and let a test decide when the database answers.
 * Every message the core sends is round-tripped through the real codec, so a message a client
 * could not decode fails the test that caused it.
 */
import { encodeMessage } from '../../../../shared/protocol/codec.ts';
import type { KeyEvent } from '../../../../shared/protocol/key-event.ts';
import type { TimedKey } from '../../../../shared/metrics/live.ts';
import { MessageType, type HelloMessage, type ServerMessage, type StatsMessage } from '../../../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../../../shared/protocol/version.ts';
import { IngestHub, type HubOptions } from '../hub.ts';
import { IngestConnection, type ConnectionLimits } from '../ingest-connection.ts';
import type { BatchWriter, BufferLevel, ClaimResult, ConnectionIdentity, ConnectionPorts, EndResult, LiveBus, SessionStore, StoreClaim } from '../ports.ts';
import { watchedClientView, type ClientView } from './client-view.ts';
import { FakeClock, FakeLog } from './fake-clock.ts';

export { FakeClock, FakeLog } from './fake-clock.ts';

export { ClientView, protocolTest, takeViolations, type Close } from './client-view.ts';

export const SESSION_A = '0b7f2c1e-4a5d-4c3b-9e8f-1a2b3c4d5e6f';
export const SESSION_B = '5d1c9a40-7e2b-4f6a-8c3d-9b0e1f2a3b4c';

export const LIMITS: ConnectionLimits = {
  maxFrameBytes: 65_536,
  maxEventsPerBatch: 512,
  maxDepth: 4,
  maxValues: 512 * 16 + 64,
  framesPerSecond: 50,
  frameBurst: 100,
  throttleRetryMs: 500,
  helloTimeoutMs: 10_000,
};

// Frames -------------------------------------------------------------------------------

export const frames = {
  hello: (sessionId = SESSION_A, fields: Partial<Omit<HelloMessage, 't' | 'sessionId'>> = {}): Uint8Array =>
    encodeMessage({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId, lastAckedSeq: 0, client: 'test/1', ...fields }),
  batch: (seq: number, events: KeyEvent[] = typed('ab', seq * 1000)): Uint8Array => encodeMessage({ t: MessageType.Batch, seq, events }),
  end: (seq: number): Uint8Array => encodeMessage({ t: MessageType.End, seq }),
  watch: (sessionId = SESSION_A): Uint8Array => encodeMessage({ t: MessageType.Watch, sessionId }),
};

/** A keydown/keyup pair per code, 200 ms apart, held 100 ms, starting at startMs. */
export function keys(codes: string[], startMs = 0, errorAt: ReadonlySet<number> = new Set()): KeyEvent[] {
  const events: KeyEvent[] = [];
  codes.forEach((code, i) => {
    const at = (startMs + i * 200) * 1000;
    const key = code.startsWith('Key') ? code.slice(3).toLowerCase() : code === 'Space' ? ' ' : code;
    const isError = errorAt.has(i);
    events.push({ type: 0, code, key, offsetUs: at, textPos: i, isError, flags: 0 });
    events.push({ type: 1, code, key, offsetUs: at + 100_000, textPos: i, isError, flags: 0 });
  });
  return events;
}

/** Key events typing the letters of `text` (a–z only). */
export function typed(text: string, startMs = 0): KeyEvent[] {
  return keys([...text].map((c) => `Key${c.toUpperCase()}`), startMs);
}

// A deferred promise the test resolves -------------------------------------------------

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise continuation run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Fake ports for one IngestConnection --------------------------------------------------

export interface StoredBatch {
  sessionId: string;
  connectionId: string;
  seq: number;
  events: KeyEvent[];
  fingers: Uint8Array;
}

/** ConnectionPorts with a scripted database: claims and ends answer what the test says. */
export class FakePorts implements ConnectionPorts {
  readonly client = watchedClientView();
  readonly stored: StoredBatch[] = [];
  readonly claims: Array<{ sessionId: string; userId: string; connectionId: string }> = [];
  readonly ends: Array<{ sessionId: string; connectionId: string; lastSeq: number }> = [];
  readonly watches: Array<{ sessionId: string; connectionId: string }> = [];
  /** Time for this connection alone; setting `now` moves it, firing the timers that fall due. */
  readonly clock = new FakeClock(1_000_000);
  level: BufferLevel = 'ok';
  readonly log = new FakeLog();
  /** What claim answers; a Deferred lets the test answer later. */
  claimResult: ClaimResult | Deferred<ClaimResult> = { ok: true, committedSeq: 0 };
  endResult: EndResult | Deferred<EndResult> = { ok: true, committedSeq: 0 };
  /** Set by the connection when the test closes its "socket". */
  onClose: (() => void) | undefined;

  claim(sessionId: string, userId: string, connectionId: string): Promise<StoreClaim> {
    this.claims.push({ sessionId, userId, connectionId });
    return 'promise' in this.claimResult ? this.claimResult.promise : Promise.resolve(this.claimResult);
  }

  store(batch: StoredBatch): void {
    this.stored.push(batch);
  }

  bufferLevel(): BufferLevel {
    return this.level;
  }

  end(sessionId: string, connectionId: string, lastSeq: number): Promise<EndResult> {
    this.ends.push({ sessionId, connectionId, lastSeq });
    return 'promise' in this.endResult ? this.endResult.promise : Promise.resolve(this.endResult);
  }

  watch(sessionId: string, connectionId: string): void {
    this.watches.push({ sessionId, connectionId });
  }

  send(message: ServerMessage): void {
    this.client.deliver(message);
  }

  close(code: number, reason: string): void {
    this.client.close(code, reason);
    this.onClose?.();
  }

  get now(): number {
    return this.clock.now();
  }

  set now(ms: number) {
    this.clock.advance(ms - this.clock.now());
  }

  nowMs(): number {
    return this.clock.now();
  }

  after(ms: number, fn: () => void): () => void {
    return this.clock.after(ms, fn);
  }

  get storedSeqs(): number[] {
    return this.stored.map((b) => b.seq);
  }
}

export function identity(overrides: Partial<ConnectionIdentity> = {}): ConnectionIdentity {
  return { connectionId: 'ingest-1:c1', userId: 'user-1', sessionId: SESSION_A, audience: 'ingest', ...overrides };
}

/** A connection on fake ports; closing the socket tells the connection, like the adapter does. */
export function connection(overrides: Partial<ConnectionIdentity> = {}, limits: Partial<ConnectionLimits> = {}): { conn: IngestConnection; ports: FakePorts } {
  const ports = new FakePorts();
  const conn = new IngestConnection(identity(overrides), ports, { ...LIMITS, ...limits });
  ports.onClose = () => conn.closed();
  return { conn, ports };
}

/** A connection that has said hello and been welcomed with committedSeq. */
export async function streaming(committedSeq = 0, overrides: Partial<ConnectionIdentity> = {}, limits: Partial<ConnectionLimits> = {}): Promise<{ conn: IngestConnection; ports: FakePorts }> {
  const made = connection(overrides, limits);
  made.ports.claimResult = { ok: true, committedSeq };
  made.conn.receive(frames.hello(made.conn.sessionId));
  await settle();
  if (made.ports.client.log.join(' ') !== `welcome:${committedSeq}`) throw new Error(`expected a welcome, got ${made.ports.client.log.join(' ')}`);
  return made;
}

// Fakes behind the hub ---------------------------------------------------------------

export class FakeSessionStore implements SessionStore {
  readonly claims: Array<{ sessionId: string; userId: string; connectionId: string }> = [];
  readonly ended: Array<{ sessionId: string; connectionId: string }> = [];
  /** committed_seq per session; a session not listed is new (0). */
  readonly committedSeq = new Map<string, number>();
  /** Claims answer this when set (a Deferred lets the test answer later); otherwise ok. */
  nextClaim: StoreClaim | Deferred<ClaimResult> | Error | undefined;
  markEndedResult: 'ended' | 'taken_over' | Error = 'ended';
  /** watchState rejects with this when set. */
  watchStateError: Error | undefined;

  /** Like the PostgreSQL store: connection errors (ECONNREFUSED and kin) are an unavailable database. */
  isUnavailable(error: unknown): boolean {
    return (error as { code?: unknown }).code === 'ECONNREFUSED';
  }

  /** Who holds each session, as the database would say: successful claims set it; a test sets a remote claim's. */
  readonly holders = new Map<string, string>();
  /** holder() rejects with this when set. */
  holderError: Error | undefined;

  claim(sessionId: string, userId: string, connectionId: string): Promise<StoreClaim> {
    this.claims.push({ sessionId, userId, connectionId });
    const next = this.nextClaim;
    this.nextClaim = undefined;
    if (next instanceof Error) return Promise.reject(next);
    const answer: Promise<StoreClaim> = next && 'promise' in next ? next.promise : Promise.resolve(next ?? { ok: true, committedSeq: this.committedSeq.get(sessionId) ?? 0 });
    return answer.then((result) => {
      if (result.ok) this.holders.set(sessionId, connectionId);
      return result;
    });
  }

  holder(sessionId: string): Promise<string | null> {
    return this.holderError ? Promise.reject(this.holderError) : Promise.resolve(this.holders.get(sessionId) ?? null);
  }

  /** Sessions watchState reports as ended, with these events. */
  readonly endedState = new Map<string, TimedKey[]>();

  watchState(sessionId: string): Promise<{ ended: boolean; events: TimedKey[] }> {
    if (this.watchStateError) return Promise.reject(this.watchStateError);
    const events = this.endedState.get(sessionId);
    return Promise.resolve({ ended: events !== undefined, events: events ?? [] });
  }

  markEnded(sessionId: string, connectionId: string): Promise<'ended' | 'taken_over'> {
    this.ended.push({ sessionId, connectionId });
    const result = this.markEndedResult;
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  }
}

type Enqueued = Parameters<BatchWriter['enqueue']>[0];

/** An error as pg reports an unreachable server. */
export function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

/** A writer that never flushes by itself: `enqueued` is what waits to be stored; the test plays the callbacks. */
export class FakeWriter implements BatchWriter {
  enqueued: Enqueued[] = [];
  bufferedBytes = 0;
  readonly idleCalls: number[] = [];
  idleResult: Deferred<boolean> = deferred<boolean>();

  enqueue(batch: Enqueued): void {
    this.enqueued.push(batch);
  }

  /** Like KeystrokeWriter: queued batches of the session from any other connection are dropped. */
  supersede(sessionId: string, ownerId: string): void {
    this.enqueued = this.enqueued.filter((b) => b.sessionId !== sessionId || b.ownerId === ownerId);
  }

  idle(timeoutMs: number): Promise<boolean> {
    this.idleCalls.push(timeoutMs);
    return this.idleResult.promise;
  }

  seqsOf(sessionId: string, ownerId?: string): number[] {
    return this.enqueued.filter((b) => b.sessionId === sessionId && (ownerId === undefined || b.ownerId === ownerId)).map((b) => b.seq);
  }
}

export class FakeBus implements LiveBus {
  readonly stats: StatsMessage[] = [];
  readonly takeovers: Array<{ sessionId: string; connectionId: string }> = [];

  publishStats(stats: StatsMessage): void {
    this.stats.push(stats);
  }

  publishTakeover(sessionId: string, connectionId: string): void {
    this.takeovers.push({ sessionId, connectionId });
  }

  readonly watches: string[] = [];

  publishWatch(sessionId: string): void {
    this.watches.push(sessionId);
  }
}

export const HUB_OPTIONS: HubOptions = { bufferCapBytes: 1000, throttleAt: 0.5, endTimeoutMs: 2000, liveWindowMs: 10_000 };

export interface HubRig {
  hub: IngestHub;
  store: FakeSessionStore;
  writer: FakeWriter;
  bus: FakeBus;
  clock: FakeClock;
  log: FakeLog;
  /** Opens a connection on the hub the way the adapter does; closing its socket removes it from the hub. */
  open(overrides?: Partial<ConnectionIdentity>, limits?: Partial<ConnectionLimits>): HubClient;
}

export interface HubClient {
  conn: IngestConnection;
  client: ClientView;
  id: string;
  /** The client side hangs up (socket closed without a close from the server). */
  hangUp(): void;
}

/** A connection's ports onto a hub, as the adapter makes them; `gone` runs after a close. */
export function hubPorts(hub: IngestHub, client: ClientView, clock: FakeClock, log: FakeLog, gone: () => void): ConnectionPorts {
  return {
    claim: (s, u, c) => hub.claim(s, u, c),
    store: (b) => hub.store(b),
    bufferLevel: () => hub.bufferLevel(),
    end: (s, c, seq) => hub.end(s, c, seq),
    watch: (s, c) => hub.watch(s, c),
    send: (m) => client.deliver(m),
    close: (code, reason) => {
      client.close(code, reason);
      gone();
    },
    nowMs: () => clock.now(),
    after: (ms, fn) => clock.after(ms, fn),
    log,
  };
}

export function hubRig(options: Partial<HubOptions> = {}): HubRig {
  const store = new FakeSessionStore();
  const writer = new FakeWriter();
  const bus = new FakeBus();
  const clock = new FakeClock();
  const log = new FakeLog();
  const hub = new IngestHub({ sessions: store, writer, bus, clock, log }, { ...HUB_OPTIONS, ...options });
  let n = 0;
  const open = (overrides: Partial<ConnectionIdentity> = {}, limits: Partial<ConnectionLimits> = {}): HubClient => {
    const id = overrides.connectionId ?? `ingest-1:c${++n}`;
    const client = watchedClientView();
    const gone = () => {
      conn.closed();
      hub.remove(id);
    };
    const conn = new IngestConnection(identity({ ...overrides, connectionId: id }), hubPorts(hub, client, clock, log, gone), { ...LIMITS, ...limits });
    hub.add(conn, (m) => client.deliver(m), (fn) => client.cork(fn));
    return { conn, client, id, hangUp: gone };
  };
  return { hub, store, writer, bus, clock, log, open };
}

/** Opens a connection on the hub and says hello for its session; resolves once the claim is answered. */
export async function hello(rig: HubRig, overrides: Partial<ConnectionIdentity> = {}): Promise<HubClient> {
  const c = rig.open(overrides);
  c.conn.receive(frames.hello(c.conn.sessionId));
  await settle();
  return c;
}
