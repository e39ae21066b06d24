import type { TicketSigner } from '../../auth/tickets.ts';
import type { ConnectionIdentity } from '../core/ports.ts';
import { connectionIdOf } from '../core/connection-id.ts';

export type Admission =
  | { ok: true; identity: ConnectionIdentity }
  | { ok: false; status: string; code: 'ORIGIN_REJECTED' | 'TICKET_MISSING' | 'TICKET_EXPIRED' | 'TICKET_INVALID'; message: string };

/**
 * Who may open a connection: a valid ticket (typist or spectator) and, when the request
 * comes from a browser, an allowed Origin. Clients outside a browser send no Origin; they
 * are still bound by the ticket, which only the sidecar issues to a session's owner.
 */
export class UpgradeGate {
  private counter = 0;
  private readonly origins: Set<string>;

  constructor(private readonly signer: TicketSigner, allowedOrigins: readonly string[], readonly serverId: string) {
    this.origins = new Set(allowedOrigins);
  }

  admit(origin: string, ticket: string | undefined): Admission {
    if (origin && !this.origins.has(origin)) {
      return { ok: false, status: '403 Forbidden', code: 'ORIGIN_REJECTED', message: `origin ${origin} is not allowed` };
    }
    const check = this.signer.verify(ticket, ['ingest', 'watch']);
    if (!check.ok) return { ok: false, status: '401 Unauthorized', code: check.code, message: check.message };
    return {
      ok: true,
      identity: { connectionId: connectionIdOf(this.serverId, ++this.counter), userId: check.claims.userId, sessionId: check.claims.sessionId, audience: check.claims.audience },
    };
  }
}
