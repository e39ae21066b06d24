import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import WebSocket from 'ws';
import { DeferredOutboxStore } from '../../../client/src/transport/deferred-store.ts';
import { Delivery, type DeliveryStatus } from '../../../client/src/transport/delivery.ts';
import { IdbOutboxStore } from '../../../client/src/transport/idb-outbox-store.ts';
import type { SocketLike } from '../../../client/src/transport/socket-like.ts';
import type { StreamApi } from '../../../client/src/transport/stream-api.ts';
import { TabLocks } from './tab-locks.ts';

/** localStorage as a Map: the pagehide journal writes here. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  get length(): number { return this.items.size; }
  key(i: number): string | null { return [...this.items.keys()][i] ?? null; }
  getItem(key: string): string | null { return this.items.get(key) ?? null; }
  setItem(key: string, value: string): void { this.items.set(key, String(value)); }
  removeItem(key: string): void { this.items.delete(key); }
  clear(): void { this.items.clear(); }
}

/** One page load of the client: the real Delivery, over the origin's IndexedDB and `ws` sockets. */
export class Tab {
  readonly statuses: DeliveryStatus[] = [];
  readonly delivery: Delivery;
  /** Close codes this tab's sockets saw, in order. */
  readonly closeCodes: number[] = [];

  constructor(origin: BrowserOrigin, api: StreamApi) {
    const store = new DeferredOutboxStore(IdbOutboxStore.open());
    this.delivery = new Delivery(
      {
        store, api, storage: origin.storage, locks: origin.locks as unknown as LockManager,
        openSocket: (url) => {
          const socket = new WebSocket(url);
          socket.on('close', (code) => this.closeCodes.push(code));
          // A refused upgrade (401) is an 'error' then a 1006 close, as in a browser.
          socket.on('error', () => {});
          return socket as unknown as SocketLike;
        },
      },
      (status) => this.statuses.push(status),
    );
  }

  get last(): DeliveryStatus | undefined {
    return this.statuses.at(-1);
  }

  /** Whether any stream of this tab ever gave up on a session. */
  get everFailed(): boolean {
    return this.statuses.some((s) => s.failedSessions > 0 || s.streams.some((x) => x.phase === 'failed'));
  }

  /** The page is unloaded (reload, tab closed): journal, close sockets. */
  close(): void {
    this.delivery.pageHide();
  }
}

/**
 * A browser origin: one IndexedDB, one localStorage and one set of Web Locks, shared by the
 * tabs opened on it. Each origin starts with an empty IndexedDB.
 */
export class BrowserOrigin {
  readonly storage = new MemoryStorage();
  readonly locks = new TabLocks();

  constructor() {
    globalThis.indexedDB = new IDBFactory();
  }

  openTab(api: StreamApi): Tab {
    return new Tab(this, api);
  }
}
