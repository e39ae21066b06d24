// The sidecar calls a typist's client makes, written from API.md alone with plain fetch: an
// anonymous sign-in, a session with its first ingest ticket, fresh tickets, end and delete,
// and the session's analytics. Nothing from the server is imported, so a conformance test
// that uses it checks what the document promises.

export interface ApiAnswer {
  status: number;
  body: any;
}

export class TypistApi {
  private constructor(readonly base: string, private readonly accessToken: string) {}

  /** `POST /api/anonymous`: a typist with an access token (API.md, Anonymous typists). */
  static async anonymous(base: string): Promise<TypistApi> {
    const answer = await call(base, 'POST', '/api/anonymous', undefined, {});
    if (answer.status !== 201) throw new Error(`POST /api/anonymous: ${answer.status} ${JSON.stringify(answer.body)}`);
    return new TypistApi(base, answer.body.accessToken as string);
  }

  /** `POST /api/sessions`: a custom-text session, its id, first ingest ticket and ingest URL. */
  async createSession(practiceText = 'the cat sat'): Promise<{ sessionId: string; ticket: string; ingestUrl: string }> {
    const answer = await this.request('POST', '/api/sessions', { mode: 'custom', practiceText });
    if (answer.status !== 201) throw new Error(`POST /api/sessions: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { sessionId: answer.body.session.id, ticket: answer.body.ingest.ticket, ingestUrl: answer.body.ingest.ingestUrl };
  }

  /** `POST /api/sessions/:id/ticket`: what a reconnecting client asks for. */
  async ticket(sessionId: string): Promise<string> {
    const answer = await this.request('POST', `/api/sessions/${sessionId}/ticket`, {});
    if (answer.status !== 200) throw new Error(`POST ticket: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.ticket as string;
  }

  async watchTicket(sessionId: string): Promise<string> {
    const answer = await this.request('POST', `/api/sessions/${sessionId}/watch-ticket`, {});
    if (answer.status !== 200) throw new Error(`POST watch-ticket: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.ticket as string;
  }

  request(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return call(this.base, method, path, this.accessToken, body);
  }
}

async function call(base: string, method: string, path: string, token: string | undefined, body: unknown): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}
