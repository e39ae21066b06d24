// How each close code of PROTOCOL.md §7 is provoked against a running ingest server, by a
// client written from the page alone (../support/raw-protocol-client.ts: `ws` and msgpackr,
// nothing from shared/protocol), and what a retry does. One entry per error code: a new row
// in §7 needs an entry here, or a line in NOT_PROVOKED saying why it cannot be provoked
// from outside; close-codes.test.ts fails otherwise. The close code and the reconnect
// policy each case is checked against come from the page, not from this file.
import * as assert from 'uvu/assert';
import { connectRaw, helloRaw, keyPairs, T, type RawClient, type RawEvent, type Received } from '../support/raw-protocol-client.ts';
import type { RunningStack, RunningIngest } from './running-stack.ts';
import type { TypistApi } from './typist-api.ts';

export interface Batch {
  seq: number;
  events: RawEvent[];
}

/** What a case leaves for the test to check and for the retry. */
export interface Provoked {
  closed: { code: number; reason: string };
  /** The `error` message that came before the close, if any. */
  error: Received | undefined;
  api: TypistApi;
  sessionId: string;
  /** Where the typist reconnects (a reconnect code) or retries (a stop code). */
  ingest: RunningIngest;
  /** Every batch the typist made, acknowledged or not: a reconnect resends what welcome does not cover. */
  batches: Batch[];
  /** The first ticket, while it is still valid. */
  ticket?: string;
  /** Puts right what the case broke (the database back...) before a reconnect. */
  repair?: () => Promise<void>;
}

export interface CloseCase {
  /** The cause, as PROTOCOL.md describes it. */
  cause: string;
  provoke(stack: RunningStack): Promise<Provoked>;
  /** For a stop code: the documented way a retry fails (for a reconnect code the test reconnects). */
  retry?(stack: RunningStack, provoked: Provoked): Promise<void>;
}

/** Codes that a client cannot make the server send, and why. */
export const NOT_PROVOKED: Record<string, string> = {
  RATE_LIMITED: 'reserved (§7): the server no longer sends it; a frame rate over the budget gets throttle, then THROTTLE_IGNORED',
};

/** Batch k: two key pairs a second after the previous batch, so offsets never decrease. */
export function batch(seq: number): Batch {
  return { seq, events: keyPairs(2, seq * 1_000_000) };
}

export function sendBatch(client: RawClient, b: Batch): void {
  client.send({ t: T.batch, seq: b.seq, events: b.events });
}

/** A typist of its own, with a session, said hello on `ingest`. */
export async function typing(stack: RunningStack, ingest: RunningIngest): Promise<{ api: TypistApi; sessionId: string; ticket: string; client: RawClient; welcome: Received }> {
  const api = await stack.typist();
  const { sessionId, ticket } = await api.createSession();
  const { client, welcome } = await helloRaw(ingest.url, ticket, sessionId);
  return { api, sessionId, ticket, client, welcome };
}

/** Waits for the close and picks the error message sent before it. */
export async function closing(client: RawClient, ms = 60_000): Promise<{ closed: { code: number; reason: string }; error: Received | undefined }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the server did not close within ${ms} ms; last messages ${JSON.stringify(client.received.slice(-3))}`)), ms)));
  const closed = await Promise.race([client.closed, timeout]).finally(() => clearTimeout(timer));
  return { closed, error: client.received.find((m) => m.t === T.error) };
}

/** A typist connects to `ingest`, sends `send` after welcome, and the server closes. */
async function afterWelcome(stack: RunningStack, ingest: RunningIngest, send: (client: RawClient) => void, batches: Batch[] = []): Promise<Provoked> {
  const { api, sessionId, client } = await typing(stack, ingest);
  send(client);
  return { ...(await closing(client)), api, sessionId, ingest, batches };
}

/** A typist sends `send` as the first thing on a fresh connection for its session. */
async function onConnect(stack: RunningStack, ingest: RunningIngest, send: (client: RawClient, sessionId: string) => void, existing?: { api: TypistApi; sessionId: string }): Promise<Provoked> {
  const api = existing?.api ?? (await stack.typist());
  const sessionId = existing?.sessionId ?? (await api.createSession()).sessionId;
  const client = await connectRaw(ingest.url, await api.ticket(sessionId));
  send(client, sessionId);
  return { ...(await closing(client)), api, sessionId, ingest, batches: [] };
}

/** The permanent refusal again: the same frames on a new connection with a fresh ticket get the same code. */
async function sameAgain(code: number, again: (p: Provoked) => Promise<Provoked>, p: Provoked): Promise<void> {
  const retried = await again(p);
  assert.is(retried.closed.code, code, 'a retry is refused the same way');
}

function hello(sessionId: string, v = 1): Record<string, unknown> {
  return { t: T.hello, v, sessionId, lastAckedSeq: 0, client: 'conformance/1' };
}

const tooLong = (client: RawClient, sessionId: string) => client.send({ ...hello(sessionId), client: 'x'.repeat(70_000) });
const textFrame = (client: RawClient) => client.ws.send('{"t":1}');
const unsupported = (client: RawClient, sessionId: string) => client.send(hello(sessionId, 2));
const missingField = (client: RawClient, sessionId: string) => client.send({ t: T.hello, v: 1, sessionId, lastAckedSeq: 0 });
const batchFirst = (client: RawClient) => sendBatch(client, batch(1));

async function sessionOf(p: Provoked): Promise<{ api: TypistApi; sessionId: string }> {
  return { api: p.api, sessionId: p.sessionId };
}

export const CLOSE_CASES: Record<string, CloseCase> = {
  SERVER_SHUTDOWN: {
    cause: 'the ingest server shuts down (drain) with the typist connected',
    async provoke(stack) {
      const own = await stack.ownIngest();
      const { api, sessionId, client } = await typing(stack, own);
      const first = batch(1);
      sendBatch(client, first);
      await client.next(T.ack, (m) => m.seq === 1);
      const [, closed] = await Promise.all([own.drain(), closing(client)]);
      // The typist comes back on another server, as behind a load balancer.
      return { ...closed, api, sessionId, ingest: await stack.ingest(), batches: [first, batch(2)] };
    },
  },
  SERVER_OVERLOADED: {
    cause: "the server's buffer is full (PostgreSQL holds every COPY back) and the client ignores throttle",
    async provoke(stack) {
      const ingest = await stack.ingest({ INGEST_BUFFER_CAP_MB: '1' });
      const { api, sessionId, client } = await typing(stack, ingest);
      // SHARE mode holds every COPY back and lets reads (a claim's) through.
      const locker = await stack.db.pool.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE keystroke_batches IN SHARE MODE');
      const batches: Batch[] = [];
      // 512 events a batch, well under maxFrameBytes as plain maps; the cap is reached in tens.
      for (let seq = 1; seq <= 200 && client.ws.readyState === client.ws.OPEN; seq++) {
        const b = { seq, events: keyPairs(256, seq * 30_000_000) };
        batches.push(b);
        sendBatch(client, b);
        await new Promise((r) => setImmediate(r));
      }
      const closed = await closing(client);
      const repair = async () => {
        await locker.query('ROLLBACK');
        locker.release();
      };
      if (closed.closed.code !== 4001) await repair();
      return { ...closed, api, sessionId, ingest, batches, repair: closed.closed.code === 4001 ? repair : undefined };
    },
  },
  SLOW_CONSUMER: {
    cause: 'the client does not read its socket while the server has messages for it (pong after pong)',
    async provoke(stack) {
      const ingest = await stack.ingest({ INGEST_MAX_BACKPRESSURE_KB: '16', INGEST_FRAMES_PER_SECOND: '100000', INGEST_FRAME_BURST: '1000000' });
      const { api, sessionId, client } = await typing(stack, ingest);
      // Stop reading, then ask for pongs until the kernel's buffers (megabytes on loopback) and
      // the server's 16 KB are full; reading again shows what the server did meanwhile. A busy
      // machine may need more than one round.
      let n = 0;
      for (let round = 0; round < 8 && !client.received.some((m) => m.t === T.error); round++) {
        client.ws.pause();
        for (const end = n + 400_000; n < end && client.ws.readyState === client.ws.OPEN; n++) {
          client.send({ t: 11, n });
          if (n % 20_000 === 0) await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 500));
        client.ws.resume();
        await new Promise((r) => setTimeout(r, 200));
      }
      return { ...(await closing(client)), api, sessionId, ingest, batches: [] };
    },
  },
  DATABASE_UNAVAILABLE: {
    cause: 'PostgreSQL cannot be reached when the typist says hello',
    async provoke(stack) {
      const { ingest, proxy } = await stack.ingestBehindProxy();
      const api = await stack.typist();
      const { sessionId } = await api.createSession();
      proxy.cut();
      const client = await connectRaw(ingest.url, await api.ticket(sessionId));
      client.send(hello(sessionId));
      return { ...(await closing(client)), api, sessionId, ingest, batches: [], repair: async () => void (await proxy.open()) };
    },
  },
  THROTTLE_IGNORED: {
    cause: 'the client keeps sending a whole frameBurst beyond its frame budget after throttle (§6.1)',
    async provoke(stack) {
      const ingest = await stack.ingest({ INGEST_FRAMES_PER_SECOND: '1', INGEST_FRAME_BURST: '33' });
      return afterWelcome(stack, ingest, (client) => {
        for (let n = 0; n < 100; n++) client.send({ t: 11, n });
      });
    },
  },
  IDLE_TIMEOUT: {
    cause: 'a connection says nothing, no hello, for INGEST_HELLO_TIMEOUT_S (here 1 s) after it opens (§4); its library answers any ping',
    provoke: async (stack) => onConnect(stack, await stack.ingest({ INGEST_HELLO_TIMEOUT_S: '1' }), () => {}),
  },
  INTERNAL_ERROR: {
    cause: 'PostgreSQL refuses the batch for a reason other than being unreachable (here a CHECK constraint the test adds)',
    async provoke(stack) {
      // Ingest COPYs batch rows into keystroke_batches (sql/SCHEMA.md), one array per column.
      await stack.db.pool.query("ALTER TABLE keystroke_batches ADD CONSTRAINT conformance_no_skull CHECK (NOT '☠' = ANY (key_value))");
      const ingest = await stack.ingest();
      const bad: Batch = { seq: 1, events: keyPairs(1, 1_000_000, 'a').map((e) => ({ ...e, key: '☠' })) };
      const provoked = await afterWelcome(stack, ingest, (client) => sendBatch(client, bad), [{ seq: 1, events: keyPairs(1, 1_000_000) }]);
      return { ...provoked, repair: async () => void (await stack.db.pool.query('ALTER TABLE keystroke_batches DROP CONSTRAINT conformance_no_skull')) };
    },
  },
  UNSUPPORTED_VERSION: {
    cause: 'hello.v is 2',
    provoke: async (stack) => onConnect(stack, await stack.ingest(), unsupported),
    retry: async (stack, p) => sameAgain(4100, async () => onConnect(stack, p.ingest, unsupported, await sessionOf(p)), p),
  },
  MALFORMED_FRAME: {
    cause: 'a text frame',
    provoke: async (stack) => onConnect(stack, await stack.ingest(), textFrame),
    retry: async (stack, p) => sameAgain(4101, async () => onConnect(stack, p.ingest, textFrame, await sessionOf(p)), p),
  },
  FRAME_TOO_LARGE: {
    cause: 'a frame of 70 000 bytes, over maxFrameBytes (65 536) and under twice it',
    provoke: async (stack) => onConnect(stack, await stack.ingest(), tooLong),
    retry: async (stack, p) => sameAgain(4102, async () => onConnect(stack, p.ingest, tooLong, await sessionOf(p)), p),
  },
  TOO_MANY_EVENTS: {
    cause: 'a batch of 513 events',
    provoke: async (stack) => afterWelcome(stack, await stack.ingest(), (client) => client.send({ t: T.batch, seq: 1, events: keyPairs(257).slice(0, 513) })),
  },
  INVALID_MESSAGE: {
    cause: 'a hello without its client field',
    provoke: async (stack) => onConnect(stack, await stack.ingest(), missingField),
    retry: async (stack, p) => sameAgain(4104, async () => onConnect(stack, p.ingest, missingField, await sessionOf(p)), p),
  },
  SESSION_FORBIDDEN: {
    cause: "a hello for another of the typist's sessions than the ticket names",
    async provoke(stack) {
      const api = await stack.typist();
      const other = await api.createSession();
      return onConnect(stack, await stack.ingest(), (client) => client.send(hello(other.sessionId)), { api, sessionId: (await api.createSession()).sessionId });
    },
  },
  SESSION_TAKEN_OVER: {
    cause: 'a second connection says hello for the same session',
    async provoke(stack) {
      const ingest = await stack.ingest();
      const { api, sessionId, client } = await typing(stack, ingest);
      const second = await helloRaw(ingest.url, await api.ticket(sessionId), sessionId);
      const closed = await closing(client);
      second.client.ws.close();
      return { ...closed, api, sessionId, ingest, batches: [] };
    },
    async retry(_stack, p) {
      // Reconnecting anyway takes the session back from the connection that took it over:
      // the two would close each other in turn, which is why the code is a stop code.
      const current = await helloRaw(p.ingest.url, await p.api.ticket(p.sessionId), p.sessionId);
      const retry = await helloRaw(p.ingest.url, await p.api.ticket(p.sessionId), p.sessionId);
      assert.is((await current.client.closed).code, 4106, 'the other connection is taken over in turn');
      retry.client.ws.close();
    },
  },
  SEQUENCE_GAP: {
    cause: 'the first batch has seq 2',
    provoke: async (stack) => afterWelcome(stack, await stack.ingest(), (client) => sendBatch(client, batch(2))),
  },
  SESSION_ENDED: {
    cause: 'the session is ended over HTTP (POST /api/sessions/:id/end) while the typist streams, then a batch comes',
    async provoke(stack) {
      const ingest = await stack.ingest();
      const { api, sessionId, ticket, client } = await typing(stack, ingest);
      const ended = await api.request('POST', `/api/sessions/${sessionId}/end`, {});
      assert.is(ended.status, 200);
      sendBatch(client, batch(1));
      return { ...(await closing(client)), api, sessionId, ticket, ingest, batches: [batch(1)] };
    },
    async retry(_stack, p) {
      // No ticket for an ended session (API.md: 409 SESSION_ENDED); §5: a hello with a ticket
      // still valid gets welcome and ended, then 1000.
      const refused = await p.api.request('POST', `/api/sessions/${p.sessionId}/ticket`, {});
      assert.is(refused.status, 409);
      assert.is(refused.body.error.code, 'SESSION_ENDED');
      const { client, welcome } = await helloRaw(p.ingest.url, p.ticket!, p.sessionId);
      assert.is(welcome.committedSeq, 0, 'nothing was stored after the end');
      assert.is((await client.next(T.ended)).committedSeq, 0);
      assert.is((await client.closed).code, 1000);
    },
  },
  HELLO_REQUIRED: {
    cause: 'a batch as the first message',
    provoke: async (stack) => onConnect(stack, await stack.ingest(), batchFirst),
    retry: async (stack, p) => sameAgain(4109, async () => onConnect(stack, p.ingest, batchFirst, await sessionOf(p)), p),
  },
  UNKNOWN_SESSION: {
    cause: 'the session is deleted (DELETE /api/sessions/:id) between the ticket and the hello',
    async provoke(stack) {
      const api = await stack.typist();
      const { sessionId, ticket } = await api.createSession();
      assert.is((await api.request('DELETE', `/api/sessions/${sessionId}`)).status, 204);
      const ingest = await stack.ingest();
      const client = await connectRaw(ingest.url, ticket);
      client.send(hello(sessionId));
      return { ...(await closing(client)), api, sessionId, ingest, batches: [] };
    },
    async retry(_stack, p) {
      assert.is((await p.api.request('POST', `/api/sessions/${p.sessionId}/ticket`, {})).status, 404, 'no ticket for a session that is gone');
    },
  },
  UNEXPECTED_MESSAGE: {
    cause: 'a second hello on the same connection',
    provoke: async (stack) => afterWelcome(stack, await stack.ingest(), (client) => client.send(hello(String(client.received[0]?.sessionId)))),
  },
  SESSION_TOO_LONG: {
    cause: 'an event at offsetUs 21 600 000 001, past 6 hours',
    provoke: async (stack) => afterWelcome(stack, await stack.ingest(), (client) => client.send({ t: T.batch, seq: 1, events: keyPairs(1, 21_600_000_001 - 60_000) })),
  },
  OFFSET_DECREASED: {
    cause: "a batch whose second event's offsetUs is before the first's",
    provoke: async (stack) => afterWelcome(stack, await stack.ingest(), (client) => client.send({ t: T.batch, seq: 1, events: keyPairs(1, 500_000).map((e, i) => ({ ...e, offsetUs: 500_000 - i * 1000 })) })),
  },
  EVENT_QUOTA_EXCEEDED: {
    cause: 'the owner stored QUOTA_EVENTS_PER_USER_PER_DAY (here 6) events today, and a batch would pass it',
    async provoke(stack) {
      const ingest = await stack.ingest({ QUOTA_EVENTS_PER_USER_PER_DAY: '6' });
      const { api, sessionId, client } = await typing(stack, ingest);
      sendBatch(client, batch(1));
      await client.next(T.ack, (m) => m.seq === 1);
      sendBatch(client, batch(2));
      return { ...(await closing(client)), api, sessionId, ingest, batches: [batch(1), batch(2)] };
    },
    async retry(_stack, p) {
      const { client, welcome } = await helloRaw(p.ingest.url, await p.api.ticket(p.sessionId), p.sessionId, 1);
      assert.is(welcome.committedSeq, 1, 'what was stored stays stored');
      sendBatch(client, batch(2));
      assert.is((await client.closed).code, 4115, 'the batch is refused again');
    },
  },
};
