import type pg from 'pg';
import { isConnectionError } from '../../db/pg-errors.ts';
import type { FlushStore, PendingBatch, StoreOutcome } from './flush-port.ts';
import { storeOnce } from './flush-transaction.ts';

/**
 * The writer's flushes against PostgreSQL, each on a connection of its own. One transaction:
 * the heart of exactly-once. COPY goes straight into the table (no savepoint: a
 * subtransaction around every COPY costs throughput); in the rare case that rows beyond
 * committed_seq already exist (written outside this path), the unique key refuses the COPY
 * and the flush is redone through a staging table that inserts only what is missing.
 */
export function pgFlushStore(connect: () => Promise<pg.PoolClient>): FlushStore {
  return {
    isUnavailable: isConnectionError,
    async store(chunk: PendingBatch[]): Promise<StoreOutcome> {
      const client = await connect();
      let broken: Error | undefined;
      try {
        try {
          return await storeOnce(client, chunk, false);
        } catch (error) {
          if ((error as { code?: string }).code !== '23505') throw error;
          return await storeOnce(client, chunk, true);
        }
      } catch (error) {
        broken = error as Error;
        throw error;
      } finally {
        // A connection that failed is destroyed, not given back to the pool.
        client.release(broken && isConnectionError(broken) ? broken : undefined);
      }
    },
  };
}
