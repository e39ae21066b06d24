// The account, history, analysis, data and spectator screens of the Svelte client, in a real
// Chromium against the real sidecar, ingest server and SMTP capture: register through the
// emailed link, sign in, type a session while a coach watches it live from a second browser,
// find it in history, open its charts, export it, and sign in again with 2FA. Screenshots of
// every screen go to test-artifacts/accounts-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { API_ROUTES } from '../http/api-routes.ts';
import { buildClientInto, launchChromium, type TestBrowser } from './support/browser.ts';
import { typeStrokes } from './support/browser-typist.ts';
import { freshDatabase } from './support/database.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';
import { startTestIngest } from './support/ingest-fixtures.ts';
import { REPO_ROOT } from './support/processes.ts';
import { startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { freePort } from './support/test-postgres.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const chromiumTool = CHROMIUM_TOOL();
const hasChromium = chromiumTool.path !== undefined || requireCi();
const run = chromiumTool.test;
const TEXT = 'the quick brown fox jumps over the lazy dog while the kind coach watches';
const EMAIL = `typist${Date.now()}@example.com`;
const PASSWORD = 'Typing-Flow-42';

const db = hasChromium ? await freshDatabase() : null;
let typist: TestBrowser | null = null;
let coach: TestBrowser | null = null;
let page: Page;
let origin = '';
let sidecar: TestSidecar;
let closeAll: () => Promise<void> = async () => {};
const pageErrors: string[] = [];
let sessionId = '';
/** The account's backup codes once 2FA is on. */
let backupCodes: string[] = [];

const shot = (name: string, on: Page = page) => on.screenshot({ path: path.join(ARTIFACTS, `accounts-${name}.png`), fullPage: true });

test.before(async () => {
  if (!db) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const [sidecarPort, ingestPort, clientDir] = await Promise.all([freePort(), freePort(), buildClientInto()]);
  origin = `http://127.0.0.1:${sidecarPort}`;
  const ingest = await startTestIngest(db.url, db.pool, { INGEST_PORT: String(ingestPort), ALLOWED_ORIGINS: origin });
  sidecar = await startTestSidecar(
    db.url, db.pool,
    { PUBLIC_URL: origin, ALLOWED_ORIGINS: origin, INGEST_PUBLIC_URL: `ws://127.0.0.1:${ingestPort}/ws`, AUTH_RATE_LIMIT_ENABLED: 'false' },
    API_ROUTES,
    { clientDir, port: sidecarPort, connectSources: [`ws://127.0.0.1:${ingestPort}`] },
  );
  [typist, coach] = await Promise.all([launchChromium(), launchChromium()]);
  page = typist.context.pages()[0] ?? (await typist.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  // Each step waits for something the page shows within a few seconds; keep failures fast.
  page.setDefaultTimeout(10_000);
  closeAll = async () => {
    await Promise.all([typist?.close(), coach?.close()]);
    await ingest.server.drain();
    await sidecar.close();
    fs.rmSync(clientDir, { recursive: true, force: true });
  };
});

test.after(async () => {
  await closeAll();
  await db?.drop();
});

run('register, confirm through the emailed link, and sign in (a wrong password is a form error)', async () => {
  if (!db) return console.warn('chromium missing: skipped');
  await page.goto(`${origin}/register`);
  await page.getByTestId('register-email').fill(EMAIL);
  await page.getByTestId('register-password').fill('short');
  assert.ok(await page.getByTestId('register-submit').isDisabled(), 'a weak password cannot be sent');
  await page.getByTestId('register-password').fill(PASSWORD);
  assert.is(await page.getByTestId('password-strength').getAttribute('data-strength'), '4');
  await shot('register');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('register-sent').waitFor();

  const mail = await sidecar.smtp.next(EMAIL);
  const link = /(http:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  assert.ok(link?.startsWith(origin), `a verification link to this origin: ${mail.text}`);
  await page.goto(link!);
  await page.getByTestId('verified').waitFor();
  assert.is(new URL(page.url()).search, '', 'the single-use token leaves the address bar');
  await shot('verify');

  await page.getByTestId('verified').getByRole('link').click();
  await page.getByTestId('login-email').fill(EMAIL);
  await page.getByTestId('login-password').fill('Wrong-Password-1');
  await page.getByTestId('login-submit').click();
  const error = await page.getByTestId('form-error').textContent();
  assert.match(error ?? '', /wrong email or password/i);
  assert.not.match(error ?? '', /expired/i);
  await shot('login-error');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`${origin}/`);
  await page.getByTestId('signed-in-as').waitFor();
  // Back and forward move between real URLs.
  await page.goBack();
  await page.getByTestId('login-page').waitFor();
  await page.goForward();
  await page.getByTestId('typing-page').waitFor();
});

run('a coach watches the session live from another browser while it is typed', async () => {
  if (!db) return;
  await page.getByTestId('mode-custom').click();
  await page.getByTestId('custom-text').fill(TEXT);
  await page.getByTestId('custom-apply').click();
  await page.getByTestId('capture').focus();
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
  const chars = Array.from(TEXT);
  await typeStrokes(page, chars.slice(0, 30), 70, 3);
  await page.getByTestId('share-watch').click();
  const link = await page.getByTestId('watch-link').inputValue();
  assert.match(link, new RegExp(`^${origin}/watch/[0-9a-f-]{36}#ticket=`));
  sessionId = /watch\/([0-9a-f-]{36})/.exec(link)![1]!;
  await shot('typing-share');

  const coachPage = coach!.context.pages()[0] ?? (await coach!.context.newPage());
  await coachPage.goto(link);
  await coachPage.waitForSelector('[data-testid="watch-page"][data-status="watching"]', { timeout: 10_000 });
  const before = await coachPage.getByTestId('watch-keystrokes').textContent();
  await page.getByTestId('capture').focus();
  await typeStrokes(page, chars.slice(30), 70, 4);
  await coachPage.waitForFunction((seen) => document.querySelector('[data-testid="watch-keystrokes"]')?.textContent !== seen, before, { timeout: 10_000 });
  await shot('watch', coachPage);
  await page.getByTestId('results').waitFor({ timeout: 15_000 });
  await page.waitForSelector('[data-testid="results"][data-source="server"]', { timeout: 15_000 });
  // The results lead on to the stored session's page, with the full analysis.
  assert.is(await page.getByTestId('results-session-link').getAttribute('href'), `/sessions/${sessionId}`);
  await shot('results');
  // The watch page does not stay "live" with frozen figures: it says the session ended.
  await coachPage.waitForSelector('[data-testid="watch-page"][data-status="ended"]', { timeout: 30_000 });
  const final = Number(await coachPage.getByTestId('watch-keystrokes').textContent());
  assert.ok(final > 0, `final keystrokes shown: ${final}`);
  // A viewer who opens the link after the end sees the same end and final figures.
  const late = await coach!.context.newPage();
  await late.goto(link);
  await late.waitForSelector('[data-testid="watch-page"][data-status="ended"]', { timeout: 30_000 });
  assert.is(Number(await late.getByTestId('watch-keystrokes').textContent()), final);
  await late.close();
});

run('the session is in history; its detail draws every chart with data; analytics too', async () => {
  if (!db) return;
  await page.getByRole('link', { name: 'history' }).click();
  await page.locator(`tr[data-session="${sessionId}"]`).waitFor();
  assert.match((await page.locator(`tr[data-session="${sessionId}"] [data-testid="history-wpm"]`).textContent()) ?? '', /^\d+$/);
  await shot('history');
  await page.locator(`tr[data-session="${sessionId}"] [data-testid="history-open"]`).click();
  await page.waitForURL(`${origin}/sessions/${sessionId}`);
  await page.getByTestId('stat-cards').waitFor();
  for (const chart of ['chart-speed', 'chart-fatigue']) {
    const points = Number(await page.getByTestId(chart).getAttribute('data-points'));
    assert.ok(points > 0, `${chart} has data`);
    assert.ok(await page.locator(`[data-testid="${chart}"] canvas`).count() > 0, `${chart} is drawn`);
  }
  assert.ok(await page.locator('[data-testid="key-heatmap"] g[data-code="KeyT"][data-value]').count() === 1, 'T has a heat value');
  assert.ok(await page.locator('[data-testid="digraph-table"] tbody tr').count() > 1, 'letter pairs');
  await page.getByTestId('replay-speed').selectOption('4');
  await page.getByTestId('replay-play').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="replay-text"]')?.querySelectorAll('.correct').length ?? 0) > 5);
  await shot('session-detail');

  await page.getByRole('link', { name: 'analytics' }).click();
  await page.getByTestId('key-progress').waitFor();
  assert.ok(Number(await page.getByTestId('chart-trend').getAttribute('data-points')) >= 1);
  await shot('analytics');
  await page.getByTestId('practise-weak').click();
  await page.waitForURL(`${origin}/`);
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
});

run('sessions and events export as CSV and JSON with the Bearer token', async () => {
  if (!db) return;
  await page.goto(`${origin}/settings`);
  await page.getByTestId('data-panel').waitFor();
  for (const [id, check] of [
    ['sessions-csv', (text: string) => text.startsWith('session_id,') && text.includes(sessionId)],
    ['sessions-json', (text: string) => (JSON.parse(text) as { sessionId: string }[]).some((s) => s.sessionId === sessionId)],
    ['events-csv', (text: string) => text.split('\n').length > TEXT.length * 2],
    ['events-json', (text: string) => (JSON.parse(text) as unknown[]).length >= TEXT.length * 2],
  ] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${id}`).click()]);
    const file = await download.path();
    assert.ok(file && check(fs.readFileSync(file, 'utf8')), `${id} holds the session`);
  }
  await page.getByTestId('data-note').waitFor();
  await shot('settings');
});

run('two-factor: set up with the QR code, then sign in again with a code', async () => {
  if (!db) return;
  await page.getByTestId('two-factor-password').fill(PASSWORD);
  await page.getByTestId('two-factor-setup').click();
  await page.getByTestId('two-factor-qr').waitFor();
  const secret = (await page.getByTestId('two-factor-secret').textContent())!.trim();
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  await shot('two-factor-setup');
  await page.getByTestId('two-factor-code').fill(totp.generate());
  await page.getByTestId('two-factor-enable').click();
  await page.getByTestId('backup-codes').waitFor();
  assert.is(await page.getByTestId('backup-codes').locator('li').count(), 10);
  backupCodes = await page.getByTestId('backup-codes').locator('li').allTextContents();
  await shot('two-factor-backup-codes');

  await page.getByTestId('sign-out').click();
  await page.waitForURL(`${origin}/`);
  await page.getByTestId('nav-login').click();
  await page.getByTestId('login-email').fill(EMAIL);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('two-factor-form').waitFor();
  await shot('login-two-factor');
  // The enabling code's step is spent: the next step's code is inside the accepted window.
  await page.getByTestId('login-code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByTestId('login-code-submit').click();
  await page.waitForURL(`${origin}/`);
  await page.getByTestId('signed-in-as').waitFor();
  assert.equal(pageErrors, [], 'uncaught errors in the page');
});

test('signed out elsewhere: the page says so instead of becoming a new anonymous typist', async () => {
  if (!db) return;
  const anonymousBefore = (await db.pool.query('SELECT count(*)::int AS n FROM users WHERE is_anonymous')).rows[0].n;
  // Every sign-in of the account ends elsewhere (as a password reset or device revoke does).
  await db.pool.query("UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'test' WHERE user_id = (SELECT id FROM users WHERE email = $1) AND revoked_at IS NULL", [EMAIL]);
  await page.getByRole('link', { name: 'history' }).click();
  await page.getByTestId('signed-out-notice').waitFor();
  await shot('signed-out');
  assert.match((await page.getByTestId('signed-out-notice').textContent()) ?? '', /You were signed out on this device/);
  const anonymousAfter = (await db.pool.query('SELECT count(*)::int AS n FROM users WHERE is_anonymous')).rows[0].n;
  assert.is(anonymousAfter, anonymousBefore, 'the page became a new anonymous typist');
  // Typing goes on while signed out; the keystrokes wait for the account that typed them.
  const sessionsOf = async () => (await db.pool.query('SELECT count(*)::int AS n, coalesce(sum(event_count), 0)::int AS events FROM typing_sessions WHERE user_id = (SELECT id FROM users WHERE email = $1)', [EMAIL])).rows[0] as { n: number; events: number };
  const before = await sessionsOf();
  await page.locator('h1 a').click();
  await page.getByTestId('capture').focus();
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
  const chars = Array.from(TEXT);
  await typeStrokes(page, chars, 90, 5);
  await shot('typed-while-signed-out');
  assert.match((await page.getByTestId('connection').textContent()) ?? '', /keys queued/);
  await page.getByTestId('signed-out-sign-in').click();
  await page.getByTestId('login-email').fill(EMAIL);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('two-factor-form').waitFor();
  await page.getByTestId('login-code').fill(backupCodes[0]!);
  await page.getByTestId('login-code-submit').click();
  await page.waitForURL(`${origin}/`);
  await page.getByTestId('signed-out-notice').waitFor({ state: 'detached' });
  await page.getByTestId('signed-in-as').waitFor();
  const anonymousAtEnd = (await db.pool.query('SELECT count(*)::int AS n FROM users WHERE is_anonymous')).rows[0].n;
  assert.is(anonymousAtEnd, anonymousBefore, 'an anonymous typist was made along the way');
  // Signed in again, the session typed meanwhile reaches the account it was typed under.
  let after = before;
  for (let i = 0; i < 100 && !(after.n === before.n + 1 && after.events - before.events >= chars.length * 2); i++) {
    await new Promise((r) => setTimeout(r, 200));
    after = await sessionsOf();
  }
  assert.is(after.n, before.n + 1, 'the session typed while signed out did not reach the account');
  assert.ok(after.events - before.events >= chars.length * 2, `${after.events - before.events} events stored for ${chars.length} characters`);
  assert.equal(pageErrors, [], 'uncaught errors in the page');
});

test('the email changes only through the link mailed to the new address, with the password and a code', async () => {
  if (!db) return;
  const next = `moved${Date.now()}@example.com`;
  await page.getByRole('link', { name: 'settings' }).click();
  await page.getByTestId('new-email').fill(next);
  await page.getByTestId('email-change-password').fill(PASSWORD);
  await page.getByTestId('email-change-code').fill(backupCodes[1]!);
  await page.getByTestId('email-change-submit').click();
  await page.getByTestId('email-change-note').waitFor();
  assert.match((await page.getByTestId('email-change-note').textContent()) ?? '', /Open the link/);
  assert.is(await page.getByTestId('current-email').textContent(), EMAIL, 'changed before the new address confirmed it');
  await shot('email-change-pending');
  const mail = await sidecar.smtp.next(next, 10_000, /Confirm your new/);
  const link = /(http:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  assert.ok(link?.startsWith(origin), mail.text);
  await page.goto(link!);
  await page.getByTestId('email-change-done').waitFor();
  assert.is(new URL(page.url()).search, '', 'the single-use token leaves the address bar');
  assert.match((await sidecar.smtp.next(EMAIL, 10_000, /was changed/)).text, /undo-email\?token=/);
  assert.equal(pageErrors, [], 'uncaught errors in the page');
});

test.run();
