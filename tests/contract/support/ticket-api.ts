import type { Pool } from '../../../server/db/pool.ts';
import { createSession, ticketFor } from '../../../server/test/support/ingest-fixtures.ts';
import type { SessionCreateBody } from '../../../client/src/transport/outbox-types.ts';
import type { StreamApi } from '../../../client/src/transport/stream-api.ts';

/**
 * The three sidecar calls a stream makes, answered the way the sidecar answers them: a real
 * typing_sessions row and a real ticket signed with the server's secret. The contract under
 * test is between the client's transport and the ingest server, so the HTTP layer is left out.
 * `expireNext` hands out that many already-expired tickets first: a ticket that ran out
 * between being issued and being used (a laptop lid closed mid-backlog).
 */
export class TicketApi implements StreamApi {
  expireNext = 0;
  /** Tickets handed out, expired ones included. */
  tickets = 0;
  private readonly owners = new Map<string, string>();

  constructor(private readonly pool: Pool, private readonly ingestUrl: () => string, private readonly userId?: string) {}

  async createSession(_body: SessionCreateBody): Promise<{ serverId: string; ticket: string; ingestUrl: string }> {
    const ids = await createSession(this.pool, this.userId);
    this.owners.set(ids.sessionId, ids.userId);
    return { serverId: ids.sessionId, ticket: this.sign(ids), ingestUrl: this.ingestUrl() };
  }

  async ticket(serverId: string): Promise<{ ticket: string; ingestUrl: string }> {
    const userId = this.owners.get(serverId);
    if (!userId) throw new Error(`no session ${serverId}`);
    return { ticket: this.sign({ userId, sessionId: serverId }), ingestUrl: this.ingestUrl() };
  }

  async committedSeq(serverId: string): Promise<{ committedSeq: number; ended: boolean }> {
    const { rows } = await this.pool.query<{ committed_seq: number; ended: boolean }>(
      'SELECT committed_seq, ended_at IS NOT NULL AS ended FROM typing_sessions WHERE id = $1', [serverId],
    );
    return { committedSeq: rows[0]!.committed_seq, ended: rows[0]!.ended };
  }

  private sign(ids: { userId: string; sessionId: string }): string {
    this.tickets++;
    if (this.expireNext > 0) {
      this.expireNext--;
      return ticketFor(ids, 'ingest', -60);
    }
    return ticketFor(ids);
  }
}
