import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from './processes.ts';

/** Where Debian installs chromium (CI installs it; `npx playwright install` cannot work here). */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags of ../shared/STACK.md: headless, no sandbox (root in a container), no network chatter. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile folder, removed on close. */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 820 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The client built into a temporary folder: always from the current sources (a client/dist
 * left over from an older checkout would test old code), and never into client/dist, which
 * other tests read while this one runs.
 */
export async function buildClientInto(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-client-'));
  const vite = path.join(REPO_ROOT, 'node_modules', '.bin', 'vite');
  await promisify(execFile)(vite, ['build', '--config', 'client/vite.config.ts', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], { cwd: REPO_ROOT });
  return outDir;
}
