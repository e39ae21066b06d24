/** The sidecar endpoints a load run uses: bulk sessions and fresh tickets, behind the load-test token. */
export class LoadtestApi {
  constructor(private readonly base: string, private readonly token: string) {}

  async createSessions(count: number): Promise<Array<{ sessionId: string; ticket: string }>> {
    const out: Array<{ sessionId: string; ticket: string }> = [];
    for (let left = count; left > 0; left -= 1000) {
      const body = await this.post('/api/loadtest/sessions', { count: Math.min(1000, left) }) as { sessions: Array<{ sessionId: string; ticket: string }> };
      out.push(...body.sessions);
    }
    return out;
  }

  async ticket(sessionId: string): Promise<string> {
    const body = await this.post('/api/loadtest/tickets', { sessionIds: [sessionId] }) as { tickets: Array<{ ticket: string }> };
    const ticket = body.tickets[0]?.ticket;
    if (!ticket) throw new Error(`no ticket for session ${sessionId}`);
    return ticket;
  }

  /** The ingest WebSocket URL the deployment advertises. */
  async ingestUrl(): Promise<string> {
    const response = await fetch(`${this.base}/api/config`);
    if (!response.ok) throw new Error(`GET /api/config answered ${response.status}`);
    return ((await response.json()) as { ingestUrl: string }).ingestUrl;
  }

  private async post(path: string, json: unknown): Promise<unknown> {
    const response = await fetch(`${this.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-loadtest-token': this.token }, body: JSON.stringify(json) });
    const text = await response.text();
    if (response.status === 404) throw new Error(`${path} is not enabled on ${this.base}: start the server with LOADTEST_TOKEN set`);
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }
}
