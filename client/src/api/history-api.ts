import type { KeyModel, RangeAnalytics, SessionAnalytics, TrendPoint } from '../../../shared/metrics/analytics-types.ts';
import type { KeyModelAnswer, KeyProgressAnswer, KeyProgressPoint, RangeAnalyticsAnswer, SessionAnalyticsAnswer, TrendAnswer } from '../../../shared/api/analytics.ts';
import type { IngestTicket, SessionAnswer, SessionDetail, SessionPage, SessionSummary } from '../../../shared/api/sessions.ts';
import type { ExportedEvent } from '../../../shared/api/transfer.ts';
import type { Auth } from './auth.ts';

/** A row of the history (GET /api/sessions): the session without its practice text. */
export type SessionListItem = SessionSummary;
export type { ExportedEvent, KeyProgressPoint, SessionDetail };

export interface HistoryFilter {
  from?: string;
  to?: string;
  mode?: string;
}

/** The history and analytics routes (API.md, METRICS.md), as the analysis pages use them. */
export class HistoryApi {
  constructor(private readonly auth: Auth) {}

  async list(filter: HistoryFilter, limit: number, offset: number): Promise<SessionPage> {
    const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    for (const [key, value] of Object.entries(filter) as Array<[string, string | undefined]>) if (value) query.set(key, value);
    return this.auth.request(`/api/sessions?${query}`);
  }

  async session(id: string): Promise<SessionDetail> {
    return (await this.auth.request<SessionAnswer>(`/api/sessions/${encodeURIComponent(id)}`)).session;
  }

  remove(id: string): Promise<unknown> {
    return this.auth.request(`/api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  async analytics(id: string, fatigueWindowSec?: number): Promise<SessionAnalytics> {
    const query = fatigueWindowSec ? `?fatigueWindowSec=${fatigueWindowSec}` : '';
    return (await this.auth.request<SessionAnalyticsAnswer>(`/api/sessions/${encodeURIComponent(id)}/analytics${query}`)).analytics;
  }

  /** Raw events of one session, from the JSON export, in the order the analytics use. */
  async events(id: string): Promise<ExportedEvent[]> {
    const events = await this.auth.request<ExportedEvent[]>(`/api/export/sessions/${encodeURIComponent(id)}/events.json`);
    return events.sort((a, b) => a.offsetUs - b.offsetUs || a.batchSeq - b.batchSeq || a.batchIdx - b.batchIdx);
  }

  async range(from: string, to: string): Promise<RangeAnalytics> {
    const query = new URLSearchParams();
    if (from) query.set('from', from);
    if (to) query.set('to', to);
    return (await this.auth.request<RangeAnalyticsAnswer>(`/api/analytics?${query}`)).analytics;
  }

  async trend(): Promise<TrendPoint[]> {
    return (await this.auth.request<TrendAnswer>('/api/analytics/trend')).trend;
  }

  async keyModel(): Promise<KeyModel> {
    return (await this.auth.request<KeyModelAnswer>('/api/analytics/keys')).model;
  }

  /** One letter's figures per session, oldest first (GET /api/analytics/keys/:letter). */
  async keyProgress(letter: string): Promise<KeyProgressPoint[]> {
    return (await this.auth.request<KeyProgressAnswer>(`/api/analytics/keys/${encodeURIComponent(letter)}`)).points;
  }

  watchTicket(id: string): Promise<IngestTicket> {
    return this.auth.request(`/api/sessions/${encodeURIComponent(id)}/watch-ticket`, { method: 'POST' });
  }
}
