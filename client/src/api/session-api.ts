import type { PersonalBest, SessionAnalytics } from '../../../shared/metrics/analytics-types.ts';
import type { IngestTicket, SessionAnswer, SessionCreated } from '../../../shared/api/sessions.ts';
import type { BestsAnswer } from '../../../shared/api/analytics.ts';
import type { SessionCreateBody } from '../transport/outbox-types.ts';
import { StreamRefusal, type StreamApi } from '../transport/stream-api.ts';
import type { Auth } from './auth.ts';
import { ApiError } from './http.ts';

// Refusals that trying again cannot change. 401 is not among them: a sign-in can come back.
const PERMANENT = new Set([400, 403, 404, 409, 413, 415]);

function refusalOf(error: unknown): unknown {
  return error instanceof ApiError && PERMANENT.has(error.status) ? new StreamRefusal(error.status, error.code, error.message) : error;
}

/** The session routes of the sidecar, as the keystroke stream and the results page use them. */
export class SessionApi implements StreamApi {
  constructor(private readonly auth: Auth) {}

  async createSession(body: SessionCreateBody): Promise<{ serverId: string; ticket: string; ingestUrl: string }> {
    try {
      const answer = await this.auth.request<SessionCreated>('/api/sessions', { method: 'POST', body });
      return { serverId: answer.session.id, ticket: answer.ingest.ticket, ingestUrl: answer.ingest.ingestUrl };
    } catch (error) {
      throw refusalOf(error);
    }
  }

  async ticket(serverId: string): Promise<{ ticket: string; ingestUrl: string }> {
    try {
      return await this.auth.request<IngestTicket>(`/api/sessions/${serverId}/ticket`, { method: 'POST' });
    } catch (error) {
      throw refusalOf(error);
    }
  }

  async committedSeq(serverId: string): Promise<{ committedSeq: number; ended: boolean }> {
    const { session } = await this.auth.request<SessionAnswer>(`/api/sessions/${serverId}`);
    return { committedSeq: session.committedSeq, ended: session.endedAt !== null };
  }

  /** POST /api/sessions/:id/watch-ticket: a ticket for a spectator's connection (120 s to use). */
  watchTicket(serverId: string): Promise<IngestTicket> {
    return this.auth.request<IngestTicket>(`/api/sessions/${serverId}/watch-ticket`, { method: 'POST' });
  }

  /**
   * GET /api/sessions/:id/analytics: the server's figures from the stored keystrokes. Null
   * while the route does not exist (404) or the session has no analytics yet.
   */
  async analytics(serverId: string): Promise<SessionAnalytics | null> {
    try {
      const body = await this.auth.request<{ analytics?: SessionAnalytics } & Partial<SessionAnalytics>>(`/api/sessions/${serverId}/analytics`);
      const analytics = body.analytics ?? body;
      return analytics && typeof analytics === 'object' && 'summary' in analytics && 'series' in analytics ? (analytics as SessionAnalytics) : null;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return null;
      throw error;
    }
  }

  /** GET /api/analytics/bests: personal bests per mode and length (tests stopped early only when asked). */
  async bests(includeIncomplete = false): Promise<PersonalBest[]> {
    const { bests } = await this.auth.request<BestsAnswer>(`/api/analytics/bests?includeIncomplete=${includeIncomplete}`);
    return bests;
  }
}
