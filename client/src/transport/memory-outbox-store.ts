import type { OutboxBatch, OutboxSession, OutboxStore } from './outbox-types.ts';

/**
 * The outbox in memory: for tests, and the fallback when IndexedDB cannot be opened
 * (some private modes). Nothing survives a reload then, and the page says so.
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly durable = false;
  private readonly sessionMap = new Map<string, OutboxSession>();
  private readonly batchMap = new Map<string, Map<number, OutboxBatch>>();

  async putSession(session: OutboxSession): Promise<void> {
    this.sessionMap.set(session.localId, structuredClone(session));
  }

  async putBatch(batch: OutboxBatch): Promise<void> {
    let batches = this.batchMap.get(batch.localId);
    if (!batches) this.batchMap.set(batch.localId, (batches = new Map<number, OutboxBatch>()));
    batches.set(batch.seq, structuredClone(batch));
  }

  async deleteBatchesUpTo(localId: string, seq: number): Promise<void> {
    const batches = this.batchMap.get(localId);
    if (!batches) return;
    for (const key of [...batches.keys()]) if (key <= seq) batches.delete(key);
  }

  async deleteSession(localId: string): Promise<void> {
    this.sessionMap.delete(localId);
    this.batchMap.delete(localId);
  }

  async sessions(): Promise<OutboxSession[]> {
    return [...this.sessionMap.values()].map((s) => structuredClone(s)).sort((a, b) => a.createdAt - b.createdAt);
  }

  async batches(localId: string): Promise<OutboxBatch[]> {
    return [...(this.batchMap.get(localId)?.values() ?? [])].map((b) => structuredClone(b)).sort((a, b) => a.seq - b.seq);
  }
}
