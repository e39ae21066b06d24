/** A sidecar request that failed, with a stable code for the report (HTTP_503, ECONNREFUSED, TIMEOUT). */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status?: number) {
    super(message);
    this.name = 'ApiError';
  }
}

import type { StoredBatch, StoredSessionSummary } from '../../shared/api/loadtest.ts';

export type { StoredBatch, StoredSessionSummary };

const TIMEOUT_MS = 15_000;
const CHUNK = 1000;

/**
 * The sidecar endpoints a load run uses, behind the load-test token: bulk sessions, fresh
 * tickets, what was stored (verification without database access) and cleanup. Every request
 * has a timeout, so a dead server cannot hold the run past its deadline.
 */
export class LoadtestApi {
  constructor(private readonly base: string, private readonly token: string, private readonly run = 'untagged') {}

  async createSessions(count: number): Promise<Array<{ sessionId: string; ticket: string }>> {
    const out: Array<{ sessionId: string; ticket: string }> = [];
    for (let left = count; left > 0; left -= CHUNK) {
      const body = await this.post('/api/loadtest/sessions', { count: Math.min(CHUNK, left), run: this.run }) as { sessions: Array<{ sessionId: string; ticket: string }> };
      out.push(...body.sessions);
    }
    return out;
  }

  async ticket(sessionId: string): Promise<string> {
    const body = await this.post('/api/loadtest/tickets', { sessionIds: [sessionId] }) as { tickets: Array<{ ticket: string }> };
    const ticket = body.tickets[0]?.ticket;
    if (!ticket) throw new ApiError('TICKET_UNKNOWN_SESSION', `no ticket for session ${sessionId}`);
    return ticket;
  }

  async storedSummaries(sessionIds: string[]): Promise<StoredSessionSummary[]> {
    const out: StoredSessionSummary[] = [];
    for (let i = 0; i < sessionIds.length; i += CHUNK) {
      out.push(...((await this.post('/api/loadtest/verify', { sessionIds: sessionIds.slice(i, i + CHUNK) })) as { sessions: StoredSessionSummary[] }).sessions);
    }
    return out;
  }

  async storedBatches(sessionIds: string[]): Promise<StoredBatch[]> {
    const out: StoredBatch[] = [];
    for (let i = 0; i < sessionIds.length; i += 100) {
      out.push(...((await this.post('/api/loadtest/verify', { sessionIds: sessionIds.slice(i, i + 100), detail: true })) as { batches: StoredBatch[] }).batches);
    }
    return out;
  }

  async cleanup(): Promise<{ users: number; sessions: number }> {
    return ((await this.post('/api/loadtest/cleanup', { run: this.run })) as { removed: { users: number; sessions: number } }).removed;
  }

  /** The server's version and advertised ingest URL (behind the token: the route proves the token works). */
  async info(): Promise<{ serverVersion: string; ingestUrl: string; retentionHours: number }> {
    return (await this.request('GET', '/api/loadtest/info')) as { serverVersion: string; ingestUrl: string; retentionHours: number };
  }

  private post(path: string, json: unknown): Promise<unknown> {
    return this.request('POST', path, json);
  }

  private async request(method: string, path: string, json?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-loadtest-token': this.token },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the reason is in its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const code = (error as Error).name === 'TimeoutError' ? 'TIMEOUT' : cause?.code ?? 'NETWORK_ERROR';
      throw new ApiError(code, `cannot reach ${this.base}${path}: ${code === 'TIMEOUT' ? `no answer in ${TIMEOUT_MS / 1000} s` : cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (response.status === 404) throw new ApiError('HTTP_404', `${path} is not enabled on ${this.base}: start the server with LOADTEST_TOKEN set (and LOADTEST_ALLOW_PRODUCTION=true in production)`, 404);
    if (response.status === 403) throw new ApiError('HTTP_403', `${this.base} refused the load-test token (403): it is not the server's LOADTEST_TOKEN`, 403);
    if (!response.ok) throw new ApiError(`HTTP_${response.status}`, `${path} answered ${response.status}: ${text.slice(0, 300)}`, response.status);
    return JSON.parse(text) as unknown;
  }
}
