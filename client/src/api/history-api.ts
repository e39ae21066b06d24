import type { StoredKeystroke } from '../../../shared/metrics/keystroke.ts';
import type { KeyModel, RangeAnalytics, SessionAnalytics, TrendPoint } from '../../../shared/metrics/analytics-types.ts';
import type { Auth } from './auth.ts';

export interface SessionListItem {
  id: string;
  mode: string;
  startedAt: string;
  endedAt: string | null;
  eventCount: number;
  durationMs: number | null;
  wpm: number | null;
  rawWpm: number | null;
  accuracy: number | null;
  practiceTextLength: number;
}

export interface SessionDetail extends SessionListItem {
  practiceText: string;
  keyboardLayout: string;
}

export interface HistoryFilter {
  from?: string;
  to?: string;
  mode?: string;
}

/** The history and analytics routes (API.md, METRICS.md), as the analysis pages use them. */
export class HistoryApi {
  constructor(private readonly auth: Auth) {}

  async list(filter: HistoryFilter, limit: number, offset: number): Promise<{ sessions: SessionListItem[]; total: number }> {
    const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
    return this.auth.request(`/api/sessions?${query}`);
  }

  async session(id: string): Promise<SessionDetail> {
    return (await this.auth.request<{ session: SessionDetail }>(`/api/sessions/${encodeURIComponent(id)}`)).session;
  }

  remove(id: string): Promise<unknown> {
    return this.auth.request(`/api/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  async analytics(id: string, fatigueWindowSec?: number): Promise<SessionAnalytics> {
    const query = fatigueWindowSec ? `?fatigueWindowSec=${fatigueWindowSec}` : '';
    return (await this.auth.request<{ analytics: SessionAnalytics }>(`/api/sessions/${encodeURIComponent(id)}/analytics${query}`)).analytics;
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
    return (await this.auth.request<{ analytics: RangeAnalytics }>(`/api/analytics?${query}`)).analytics;
  }

  async trend(): Promise<TrendPoint[]> {
    return (await this.auth.request<{ trend: TrendPoint[] }>('/api/analytics/trend')).trend;
  }

  async keyModel(): Promise<KeyModel> {
    return (await this.auth.request<{ model: KeyModel }>('/api/analytics/keys')).model;
  }

  /** One letter's figures per session, oldest first (GET /api/analytics/keys/:letter). */
  async keyProgress(letter: string): Promise<KeyProgressPoint[]> {
    return (await this.auth.request<{ points: KeyProgressPoint[] }>(`/api/analytics/keys/${encodeURIComponent(letter)}`)).points;
  }

  watchTicket(id: string): Promise<{ ticket: string; ingestUrl: string }> {
    return this.auth.request(`/api/sessions/${encodeURIComponent(id)}/watch-ticket`, { method: 'POST' });
  }
}

/** One row of the events export (export-sql.ts): a stored keystroke with its session. */
export interface KeyProgressPoint {
  sessionId: string;
  startedAt: string;
  hits: number;
  misses: number;
  /** Mean transition time of the letter's hits, ms. */
  meanMs: number | null;
}

export type ExportedEvent = StoredKeystroke & { sessionId: string };
