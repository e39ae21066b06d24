import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxBatch, OutboxSession, OutboxStore } from './outbox-types.ts';

interface OutboxDb extends DBSchema {
  sessions: { key: string; value: OutboxSession };
  batches: { key: [string, number]; value: OutboxBatch };
}

const DB_NAME = 'fingerflow-outbox';

/**
 * The outbox in IndexedDB, so unacknowledged batches survive a reload, a crash or a closed
 * tab. The store exists only once the database is open, and every call opens its
 * transaction synchronously: transactions are created, and so applied, in call order.
 */
export class IdbOutboxStore implements OutboxStore {
  readonly durable = true;

  private constructor(private readonly db: IDBPDatabase<OutboxDb>) {}

  static async open(): Promise<IdbOutboxStore> {
    const db = await openDB<OutboxDb>(DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore('sessions', { keyPath: 'localId' });
        database.createObjectStore('batches', { keyPath: ['localId', 'seq'] });
      },
    });
    return new IdbOutboxStore(db);
  }

  async putSession(session: OutboxSession): Promise<void> {
    await this.db.put('sessions', session);
  }

  async putBatch(batch: OutboxBatch): Promise<void> {
    await this.db.put('batches', batch);
  }

  async deleteBatchesUpTo(localId: string, seq: number): Promise<void> {
    await this.db.delete('batches', IDBKeyRange.bound([localId, 0], [localId, seq]));
  }

  async deleteSession(localId: string): Promise<void> {
    const tx = this.db.transaction(['sessions', 'batches'], 'readwrite');
    void tx.objectStore('sessions').delete(localId);
    void tx.objectStore('batches').delete(IDBKeyRange.bound([localId, 0], [localId, Number.MAX_SAFE_INTEGER]));
    await tx.done;
  }

  async sessions(): Promise<OutboxSession[]> {
    return (await this.db.getAll('sessions')).sort((a, b) => a.createdAt - b.createdAt);
  }

  async batches(localId: string): Promise<OutboxBatch[]> {
    return this.db.getAll('batches', IDBKeyRange.bound([localId, 0], [localId, Number.MAX_SAFE_INTEGER]));
  }
}
