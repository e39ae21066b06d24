import { loadConfig, type Config } from '../../config/index.ts';
import type { Pool } from '../../db/pool.ts';
import { createHttpApp, type HttpAppOptions, type RouteGroup } from '../../http/app.ts';
import { buildSidecarDeps } from '../../http/build-sidecar.ts';
import type { SidecarDeps } from '../../http/sidecar-deps.ts';
import { listenHttp } from '../../http/server.ts';
import { API_ROUTES } from '../../http/api-routes.ts';
import { quietLogger, TEST_SECRET } from './ingest-fixtures.ts';
import { startSmtpCapture } from './smtp-capture.ts';
import { TestBrowser } from './http-client.ts';

export type SmtpCapture = Awaited<ReturnType<typeof startSmtpCapture>>;

export interface TestSidecar {
  base: string;
  deps: SidecarDeps;
  config: Config;
  smtp: SmtpCapture;
  logs: string[];
  browser(headers?: Record<string, string>): TestBrowser;
  close(): Promise<void>;
}

/** How the sidecar serves the page: the built client, CSP connect sources, a fixed port. */
export interface TestSidecarServing extends Partial<HttpAppOptions> {
  /** Listen here instead of a random port: a browser test must know the page's origin beforehand. */
  port?: number;
}

/**
 * The sidecar in this process on a test database, mailing through a real SMTP server on
 * loopback. bcrypt at its minimum cost; everything else as configured in production unless
 * overridden. With `serving.clientDir` it serves the built client too, as `npm start` does.
 */
export async function startTestSidecar(databaseUrl: string, pool: Pool, overrides: Record<string, string> = {}, routes: RouteGroup[] = API_ROUTES, serving: TestSidecarServing = {}): Promise<TestSidecar> {
  const smtp = await startSmtpCapture();
  const config = loadConfig({
    NODE_ENV: 'test', SECRET_KEY: TEST_SECRET, DATABASE_URL: databaseUrl, BCRYPT_ROUNDS: '4', PUBLIC_URL: 'http://localhost:8080',
    ALLOWED_ORIGINS: 'http://localhost:8080', EMAIL_PROVIDER: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_USE_TLS: 'false',
    ...overrides,
  });
  const logs: string[] = [];
  const deps = buildSidecarDeps({ config, log: quietLogger(logs), pool, databaseState: () => 'connected' });
  const app = createHttpApp(deps, { clientDir: serving.clientDir, connectSources: serving.connectSources ?? [], registry: serving.registry }, routes);
  const server = await listenHttp(app, '127.0.0.1', serving.port ?? 0);
  const base = `http://127.0.0.1:${server.port}`;
  return {
    base, deps, config, smtp, logs,
    browser: (headers) => new TestBrowser(base, headers),
    async close() {
      deps.limiter.stop();
      await server.close();
      await deps.liveness.stop();
      await deps.mailer.idle();
      await smtp.close();
    },
  };
}

/** Registers, verifies through the emailed link, and signs in; the browser holds the session. */
export async function signedInBrowser(sidecar: TestSidecar, email = `u${Math.random().toString(36).slice(2)}@example.com`, password = 'Typing-Flow-42'): Promise<{ browser: TestBrowser; email: string; password: string; userId: string }> {
  const browser = sidecar.browser();
  const registered = await browser.post('/auth/register', { email, password });
  if (registered.status !== 202) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  const mail = await sidecar.smtp.next(email);
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  const verified = await browser.post('/auth/verify', { token });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  const login = await browser.post('/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  browser.accessToken = login.body.accessToken;
  return { browser, email, password, userId: login.body.user.id };
}
