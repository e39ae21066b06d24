import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { OutboxSession, OutboxStore, SessionCreateBody } from './outbox-types.ts';
import { DEFAULT_BATCH_POLICY, SessionOutbox } from './session-outbox.ts';
import { SessionStream, type StreamPhase, type StreamStatus } from './session-stream.ts';
import type { OpenSocket } from './socket-like.ts';
import type { StreamApi } from './stream-api.ts';
import { restoreTails, saveTail } from './tail-journal.ts';

export interface DeliveryDeps {
  store: OutboxStore;
  api: StreamApi;
  openSocket: OpenSocket;
  /** localStorage: the pagehide journal. */
  storage: Storage;
  locks?: LockManager;
  newId?: () => string;
  /** Who is signed in now: a session is only sent while that is who typed it. */
  currentUser?: () => string | null;
  /** Passed to every stream (tests with fake sockets turn the heartbeat off). */
  heartbeat?: boolean;
}

export interface DeliveryStatus {
  /** False when the outbox cannot persist (no IndexedDB): a reload would lose unsent keys. */
  durable: boolean;
  streams: StreamStatus[];
  /** Sessions the server refused for good; their keystrokes stay in the outbox. */
  failedSessions: number;
  /** Key events in the outbox of sessions no stream is working on yet (an earlier page's). */
  parkedEvents: number;
}

/** The session being typed, as the typing page sees it. */
export interface ActiveSession {
  readonly localId: string;
  add(event: KeyEvent): void;
  /** No more events; the stream ends the session once everything is sent. */
  finish(): void;
  /** Resolves when the server has every keystroke ('ended'), or when the stream gives up. */
  readonly delivered: Promise<StreamPhase>;
  /** The server's session id, once it exists. */
  serverId(): string | null;
}

/**
 * Every session's way to the server: the one being typed and those left in the outbox by
 * earlier page loads (typed offline, or cut short by a reload or a crash), delivered oldest
 * first. A Web Lock per session keeps two tabs from streaming the same session (the second
 * hello would take it over from the first).
 */
export class Delivery {
  private readonly streams = new Map<string, SessionStream>();
  private readonly statuses = new Map<string, StreamStatus>();
  private readonly outboxes = new Map<string, SessionOutbox>();
  private readonly parked = new Map<string, number>();
  private failed = 0;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly onStatus: (status: DeliveryStatus) => void,
  ) {}

  /**
   * What earlier page loads left in the outbox, counted without the server: a page reloaded
   * during an outage shows "offline – N keys queued" before it can reach anyone.
   */
  async countEarlier(): Promise<void> {
    await restoreTails(this.deps.storage, this.deps.store);
    const sessions = await this.deps.store.sessions();
    this.failed = sessions.filter((s) => s.failure !== null).length;
    for (const session of sessions) {
      if (this.streams.has(session.localId) || this.outboxes.has(session.localId)) continue;
      const batches = await this.deps.store.batches(session.localId);
      this.parked.set(session.localId, batches.reduce((n, b) => n + b.events.length, 0));
    }
    this.publish();
  }

  /** Sessions of earlier page loads, journal tails first; resolves when all were tried. */
  async drainEarlier(userId: string | null): Promise<void> {
    await this.countEarlier();
    const sessions = await this.deps.store.sessions();
    for (const session of sessions) {
      if (this.streams.has(session.localId) || this.outboxes.has(session.localId) || session.failure !== null) continue;
      if (userId !== null && session.userId !== null && session.userId !== userId) continue;
      // Nobody types into a session of an earlier page any more.
      session.finished = true;
      await this.withLock(session.localId, async () => {
        const batches = await this.deps.store.batches(session.localId);
        await this.startStream(session, batches).done;
      });
    }
  }

  begin(create: SessionCreateBody, userId: string | null): ActiveSession {
    const session: OutboxSession = {
      localId: (this.deps.newId ?? (() => crypto.randomUUID()))(), userId, serverId: null, create,
      lastSeq: 0, finished: false, createdAt: Date.now(), failure: null,
    };
    let stream: SessionStream | null = null;
    const early: Parameters<SessionStream['push']>[0][] = [];
    const outbox = new SessionOutbox(
      this.deps.store, session, (batch) => (stream ? stream.push(batch) : early.push(batch)), DEFAULT_BATCH_POLICY,
      (seq) => stream?.mayGrow(seq) ?? 0,
    );
    this.outboxes.set(session.localId, outbox);
    const delivered = outbox.open().then(() =>
      this.withLock(session.localId, async () => {
        stream = this.startStream(session, early);
        return stream.done;
      }),
    );
    return {
      localId: session.localId,
      add: (event) => outbox.add(event),
      finish: () => {
        void outbox.finish();
        stream?.finish();
      },
      delivered: delivered.then((phase) => phase ?? 'stopped').finally(() => this.outboxes.delete(session.localId)),
      serverId: () => session.serverId,
    };
  }

  /**
   * The typist asked to try the sessions the server refused again (the indicator's "retry"):
   * their keystrokes never left the outbox, so nothing is lost by asking once more.
   */
  async retryFailed(userId: string | null): Promise<void> {
    const sessions = (await this.deps.store.sessions()).filter((s) => s.failure !== null);
    for (const session of sessions) {
      session.failure = null;
      await this.deps.store.putSession({ ...session });
    }
    await this.drainEarlier(userId);
  }

  /** The browser came back online: skip the remaining backoff. */
  retryNow(): void {
    for (const stream of this.streams.values()) stream.retryNow();
  }

  /**
   * The page is being unloaded: cut pending events into batches and journal every batch
   * not yet confirmed on disk, synchronously, then close the sockets.
   */
  pageHide(): void {
    for (const outbox of this.outboxes.values()) {
      outbox.cut();
      const unsaved = outbox.unsavedBatches();
      if (unsaved.length > 0) saveTail(this.deps.storage, outbox.session, unsaved);
    }
    for (const stream of this.streams.values()) stream.stop();
  }

  private startStream(session: OutboxSession, batches: Parameters<SessionStream['push']>[0][]): SessionStream {
    const stream = new SessionStream(session, batches, {
      store: this.deps.store, api: typedBy(this.deps.api, session, this.deps.currentUser), openSocket: this.deps.openSocket, heartbeat: this.deps.heartbeat,
      onStatus: (status) => {
        this.statuses.set(status.localId, status);
        this.publish();
      },
    });
    this.streams.set(session.localId, stream);
    this.parked.delete(session.localId);
    void stream.done.then((phase) => {
      this.streams.delete(session.localId);
      if (phase === 'ended') this.statuses.delete(session.localId);
      if (phase === 'failed') this.failed++;
      this.publish();
    });
    return stream;
  }

  /** Runs `work` holding this session's lock; skips it when another tab holds it. */
  private async withLock<T>(localId: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!this.deps.locks) return work();
    return this.deps.locks.request(`fingerflow-session-${localId}`, { ifAvailable: true }, async (lock) => (lock ? work() : undefined));
  }

  private publish(): void {
    let parkedEvents = 0;
    for (const [localId, events] of this.parked) if (!this.statuses.has(localId)) parkedEvents += events;
    this.onStatus({ durable: this.deps.store.durable, streams: [...this.statuses.values()], failedSessions: this.failed, parkedEvents });
  }
}

/**
 * The calls of a session, made only while the account that typed it is the one signed in.
 * After "You were signed out on this device" (or a sign-in as someone else) they wait, as
 * for a network problem, and go on once that account signs in again: keystrokes are never
 * handed to another account, nor refused for good because the wrong one asked.
 */
function typedBy(api: StreamApi, session: OutboxSession, currentUser: (() => string | null) | undefined): StreamApi {
  if (!currentUser) return api;
  const check = () => {
    const now = currentUser();
    if (session.userId !== null && now !== session.userId) throw new Error('waiting for the account this session was typed under to sign in again');
  };
  return {
    createSession: async (body) => (check(), api.createSession(body)),
    ticket: async (serverId) => (check(), api.ticket(serverId)),
    committedSeq: async (serverId) => (check(), api.committedSeq(serverId)),
  };
}
