import { TICKET_TTL_SECONDS, WATCH_TICKET_TTL_SECONDS, type TicketAudience } from '../auth/tickets.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/** What a browser needs to open (or reopen) the keystroke stream of one session. */
export interface IngestTicket {
  ticket: string;
  expiresIn: number;
  ingestUrl: string;
}

/**
 * Tickets live two minutes: long enough to connect, short enough that one copied from a log
 * is useless. A client that reconnects later asks for a new one, which is why the ticket
 * routes exist besides session creation.
 */
export function issueTicket(deps: SidecarDeps, userId: string, sessionId: string, audience: TicketAudience): IngestTicket {
  const ttlSeconds = audience === 'watch' ? WATCH_TICKET_TTL_SECONDS : TICKET_TTL_SECONDS;
  return {
    ticket: deps.tickets.sign({ userId, sessionId, audience, ttlSeconds }),
    expiresIn: ttlSeconds,
    ingestUrl: deps.config.ingestPublicUrl,
  };
}
