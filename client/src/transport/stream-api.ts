import type { SessionCreateBody } from './outbox-types.ts';

/** The sidecar calls a stream needs; api/ implements them over fetch. */
export interface StreamApi {
  /** POST /api/sessions: the server's session and the ticket of its first connection. */
  createSession(body: SessionCreateBody): Promise<{ serverId: string; ticket: string; ingestUrl: string }>;
  /** POST /api/sessions/:id/ticket: a ticket for one more connection. */
  ticket(serverId: string): Promise<{ ticket: string; ingestUrl: string }>;
  /** GET /api/sessions/:id: what the server stored, to settle a session it will not reopen. */
  committedSeq(serverId: string): Promise<{ committedSeq: number; ended: boolean }>;
}

/**
 * A refusal that trying again will not change (the session is gone or has ended, the input
 * is invalid). Anything else thrown by a StreamApi (network down, 5xx, 429, an expired
 * sign-in) is retried with backoff.
 */
export class StreamRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'StreamRefusal';
  }
}

export function isPermanentRefusal(error: unknown): error is StreamRefusal {
  return error instanceof StreamRefusal;
}
