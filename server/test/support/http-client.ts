/**
 * A minimal browser for API tests: keeps cookies like a browser does (per name, honouring
 * Max-Age=0), sends the CSRF header from the ff_csrf cookie when asked, and a Bearer token.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  accessToken: string | undefined;

  constructor(readonly base: string, private readonly defaults: Record<string, string> = {}) {}

  async request(method: string, path: string, options: { json?: unknown; headers?: Record<string, string>; csrf?: boolean; auth?: boolean } = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = { ...this.defaults, ...options.headers };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (options.csrf) headers['x-csrf-token'] = decodeURIComponent(this.cookies.get('ff_csrf') ?? '');
    if (options.auth !== false && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    const response = await fetch(`${this.base}${path}`, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json), redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0')) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.join('='));
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: response.status, body, headers: response.headers };
  }

  post(path: string, json?: unknown, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    return this.request('POST', path, { json: json ?? {}, ...options });
  }

  get(path: string) {
    return this.request('GET', path);
  }
}
