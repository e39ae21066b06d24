import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { API_ROUTES } from '../../http/api-routes.ts';
import { buildClientInto, launchChromium, type TestBrowser } from './browser.ts';
import type { TestDatabase } from './database.ts';
import { startTestIngest } from './ingest-fixtures.ts';
import { REPO_ROOT } from './processes.ts';
import { startTestSidecar, type TestSidecar } from './sidecar-fixtures.ts';
import { freePort } from './test-postgres.ts';

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** The client served by a real sidecar and ingest server over a test database, in Chromium. */
export interface ClientStack {
  origin: string;
  sidecar: TestSidecar;
  browser: TestBrowser;
  page: Page;
  /** Uncaught errors in the page since the last call. */
  takePageErrors(): string[];
  close(): Promise<void>;
}

export async function startClientStack(db: TestDatabase): Promise<ClientStack> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const [sidecarPort, ingestPort, clientDir] = await Promise.all([freePort(), freePort(), buildClientInto()]);
  const origin = `http://127.0.0.1:${sidecarPort}`;
  const ingest = await startTestIngest(db.url, db.pool, { INGEST_PORT: String(ingestPort), ALLOWED_ORIGINS: origin });
  const sidecar = await startTestSidecar(
    db.url, db.pool,
    { PUBLIC_URL: origin, ALLOWED_ORIGINS: origin, INGEST_PUBLIC_URL: `ws://127.0.0.1:${ingestPort}/ws`, AUTH_RATE_LIMIT_ENABLED: 'false' },
    API_ROUTES,
    { clientDir, port: sidecarPort, connectSources: [`ws://127.0.0.1:${ingestPort}`] },
  );
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.setDefaultTimeout(15_000);
  return {
    origin, sidecar, browser, page,
    takePageErrors: () => errors.splice(0),
    async close() {
      await browser.close();
      await ingest.server.drain();
      await sidecar.close();
      fs.rmSync(clientDir, { recursive: true, force: true });
    },
  };
}
