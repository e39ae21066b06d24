import type { OutboxBatch, OutboxSession, OutboxStore } from './outbox-types.ts';

/**
 * An outbox store usable before IndexedDB has opened (a few tens of milliseconds after load;
 * typing must not wait for it). Calls made early wait on the same promise and resume in call
 * order, so the real store still sees them, and opens their transactions, in call order.
 */
export class DeferredOutboxStore implements OutboxStore {
  private store: OutboxStore | null = null;

  constructor(private readonly opening: Promise<OutboxStore>) {
    void opening.then((store) => (this.store = store));
  }

  get durable(): boolean {
    return this.store?.durable ?? true;
  }

  private async real(): Promise<OutboxStore> {
    return this.store ?? this.opening;
  }

  async putSession(session: OutboxSession): Promise<void> {
    const copy = { ...session }; // the caller keeps mutating its session while we wait
    return (await this.real()).putSession(copy);
  }

  async putBatch(batch: OutboxBatch): Promise<void> {
    return (await this.real()).putBatch(batch);
  }

  async deleteBatchesUpTo(localId: string, seq: number): Promise<void> {
    return (await this.real()).deleteBatchesUpTo(localId, seq);
  }

  async deleteSession(localId: string): Promise<void> {
    return (await this.real()).deleteSession(localId);
  }

  async sessions(): Promise<OutboxSession[]> {
    return (await this.real()).sessions();
  }

  async batches(localId: string): Promise<OutboxBatch[]> {
    return (await this.real()).batches(localId);
  }
}
