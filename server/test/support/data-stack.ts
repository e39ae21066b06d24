import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { generateSession, REALISTIC } from '../../../shared/metrics/testing/keystroke-streams.ts';
import { API_ROUTES } from '../../http/api-routes.ts';
import { storeSession } from './analytics-fixtures.ts';
import { buildClientInto, launchChromium, type TestBrowser } from './browser.ts';
import type { TestDatabase } from './database.ts';
import { startTestIngest } from './ingest-fixtures.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './sidecar-fixtures.ts';
import { freePort } from './test-postgres.ts';

export const PHONE = { width: 390, height: 844 };
/** Sessions stored for the owner, one a day from 1 April 2026, 08:00 UTC. */
export const OWNER_SESSIONS = 8;

/** A page that records every problem: console errors, page errors, failed requests, HTTP >= 400. */
export interface WatchedPage {
  page: Page;
  problems: string[];
}

/**
 * The data screens' test stack: the built client served by a real sidecar, a real ingest
 * server, and a signed-up owner with OWNER_SESSIONS stored sessions. Browsers opened through
 * it are closed with the stack.
 */
export class DataStack {
  readonly browsers: TestBrowser[] = [];
  readonly ownerSessions: string[] = [];

  private constructor(
    readonly origin: string,
    readonly sidecar: TestSidecar,
    readonly owner: Awaited<ReturnType<typeof signedInBrowser>>,
    private readonly stop: () => Promise<void>,
  ) {}

  static async start(db: TestDatabase): Promise<DataStack> {
    const [sidecarPort, ingestPort, clientDir] = await Promise.all([freePort(), freePort(), buildClientInto()]);
    const origin = `http://127.0.0.1:${sidecarPort}`;
    const ingest = await startTestIngest(db.url, db.pool, { INGEST_PORT: String(ingestPort), ALLOWED_ORIGINS: origin });
    const sidecar = await startTestSidecar(
      db.url, db.pool,
      { PUBLIC_URL: origin, ALLOWED_ORIGINS: origin, INGEST_PUBLIC_URL: `ws://127.0.0.1:${ingestPort}/ws`, AUTH_RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000' },
      API_ROUTES,
      { clientDir, port: sidecarPort, connectSources: [`ws://127.0.0.1:${ingestPort}`] },
    );
    const owner = await signedInBrowser(sidecar);
    const stack = new DataStack(origin, sidecar, owner, async () => {
      await ingest.server.drain();
      await sidecar.close();
      fs.rmSync(clientDir, { recursive: true, force: true });
    });
    for (let i = 0; i < OWNER_SESSIONS; i++) {
      const generated = generateSession(i + 21, { ...REALISTIC, characters: 120 });
      stack.ownerSessions.push(await storeSession(db.pool, { userId: owner.userId, startedAt: new Date(Date.UTC(2026, 3, 1 + i, 8)), ...generated }));
    }
    return stack;
  }

  /** A fresh browser (no cookie, no storage) with a page that records every problem. */
  async freshPage(viewport = PHONE): Promise<WatchedPage> {
    const browser = await launchChromium();
    this.browsers.push(browser);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(10_000);
    await page.setViewportSize(viewport);
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`));
    return { page, problems };
  }

  /** A fresh browser (desktop-sized unless told) signed in through the login form. */
  async signedInPage(account: { email: string; password: string }, viewport = { width: 1200, height: 820 }): Promise<WatchedPage> {
    const fresh = await this.freshPage(viewport);
    await fresh.page.goto(`${this.origin}/login`);
    await fresh.page.getByTestId('login-email').fill(account.email);
    await fresh.page.getByTestId('login-password').fill(account.password);
    await fresh.page.getByTestId('login-submit').click();
    await fresh.page.getByTestId('signed-in-as').waitFor();
    return fresh;
  }

  /** Closes the browser opened last (a test's own). */
  async closeLast(): Promise<void> {
    await this.browsers.pop()?.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.browsers.map((b) => b.close()));
    await this.stop();
  }
}
