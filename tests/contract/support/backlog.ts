import * as assert from 'uvu/assert';
import type { Pool } from '../../../server/db/pool.ts';
import type { OutboxSession } from '../../../client/src/transport/outbox-types.ts';
import { IdbOutboxStore } from '../../../client/src/transport/idb-outbox-store.ts';
import { BrowserOrigin } from './browser-origin.ts';
import type { IngestProcess } from './ingest-process.ts';
import { TicketApi } from './ticket-api.ts';
import { assertStoredOnce, CREATE, Typist, within } from './typist.ts';

/** What an earlier page load on the current origin left: a session never sent, and `count` one-key batches. */
async function leftBehind(count: number): Promise<{ localId: string; typist: Typist }> {
  const store = await IdbOutboxStore.open();
  const typist = new Typist();
  const localId = crypto.randomUUID();
  const session: OutboxSession = { localId, userId: null, serverId: null, create: CREATE, lastSeq: count, finished: false, createdAt: Date.now(), failure: null };
  await store.putSession(session);
  for (const batch of typist.batches(localId, count)) await store.putBatch(batch);
  return { localId, typist };
}

/**
 * A reloaded page delivers `count` batches an earlier one left, in full, once, never throttled
 * out or refused. `onlyOneConnection`: and without a single reconnect.
 */
export async function deliverBacklog(pool: Pool, ingest: IngestProcess, count: number, ms: number, onlyOneConnection: boolean): Promise<void> {
  const api = new TicketApi(pool, () => ingest.url);
  const origin = new BrowserOrigin();
  const { typist } = await leftBehind(count);
  const tab = origin.openTab(api);
  await tab.delivery.countEarlier();
  assert.is(tab.last?.parkedEvents, count * 2, 'the reloaded page counts the queued keys');
  await within(tab.delivery.drainEarlier(null), ms, `${count} batches`);
  const { rows } = await pool.query<{ id: string; ended: boolean }>('SELECT id, ended_at IS NOT NULL AS ended FROM typing_sessions ORDER BY created_at DESC LIMIT 1');
  assert.ok(rows[0]!.ended, 'the session was ended');
  await assertStoredOnce(pool, rows[0]!.id, typist.typed);
  assert.not.ok(tab.everFailed, 'no stream gave up');
  const reasons = [...new Set(tab.statuses.flatMap((st) => st.streams.map((x) => x.reason)).filter(Boolean))];
  const seen = `close codes ${tab.closeCodes.join(',')}; reasons: ${reasons.join(' | ')}`;
  assert.not.ok(tab.closeCodes.includes(4005), `throttled out (THROTTLE_IGNORED): the client did not pace itself; ${seen}`);
  assert.equal(tab.closeCodes.filter((c) => c >= 4100), [], `a permanent close; ${seen}`);
  assert.is(tab.closeCodes.at(-1), 1000, `the last connection ended normally; ${seen}`);
  if (onlyOneConnection) assert.equal(tab.closeCodes, [1000], `one connection, closed after ended; ${seen}`);
}

