// Screens that ask the server again while the typist moves on, in a real Chromium against the
// real sidecar and ingest server: only the latest request's answer (or error) is shown, and a
// page being left asks for nothing more. Answers are delivered out of order on purpose
// (support/out-of-order.ts), as a slow answer to an earlier request arrives after a quick one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DataStack } from './support/data-stack.ts';
import { freshDatabase } from './support/database.ts';
import { outOfOrder } from './support/out-of-order.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';

const chromiumTool = CHROMIUM_TOOL();
const hasChromium = chromiumTool.path !== undefined || requireCi();
const run = chromiumTool.test;
const db = hasChromium ? await freshDatabase() : null;
let stack: DataStack;
let owner: DataStack['owner'];
let ownerSessions: readonly string[] = [];
const signedInPage = (account: { email: string; password: string }) => stack.signedInPage(account);

test.before(async () => {
  if (!db) return;
  stack = await DataStack.start(db);
  ({ owner, ownerSessions } = stack);
});

test.after(async () => {
  await stack?.close();
  await db?.drop();
});

run('leaving a session page, by its history link or by Back, asks for no session without an id', async () => {
  if (!db) return;
  const { page, problems } = await signedInPage(owner);
  await page.waitForLoadState('networkidle');
  // The session page stayed mounted while the route changed and asked for session "undefined"
  // (three 400s and three console errors) each time it was left.
  const withoutId: string[] = [];
  page.on('request', (r) => r.url().includes('/undefined') && withoutId.push(`${r.method()} ${r.url()}`));
  const openSession = async () => {
    await page.getByRole('link', { name: 'history', exact: true }).click();
    await page.getByTestId('history-table').waitFor();
    await page.locator(`[data-testid="history-open"][href="/sessions/${ownerSessions[0]}"]`).click();
    await page.getByTestId('chart-speed').waitFor();
    await page.waitForLoadState('networkidle');
  };
  const backOnHistory = async () => {
    await page.getByTestId('history-table').waitFor();
    await page.waitForLoadState('networkidle');
    assert.is(new URL(page.url()).pathname, '/history');
  };
  await openSession();
  await page.getByTestId('session-page').getByRole('link', { name: '← history' }).click();
  await backOnHistory();
  await openSession();
  await page.goBack();
  await backOnHistory();
  assert.equal(withoutId, []);
  assert.equal(problems, []);
  await stack.closeLast();
});

run('a date range changed while the last one computes: the figures shown are the latest range\'s, never a late answer for an earlier one', async () => {
  if (!db) return;
  const { page, problems } = await signedInPage(owner);
  // The range from the 5th is held until the one from the 7th has been answered.
  const ranges = outOfOrder({ key: (url) => url.searchParams.get('from'), first: '2026-04-07', held: (from) => from === '2026-04-05' });
  const rangeAnalytics = (url: URL) => url.pathname === '/api/analytics';
  await page.route(rangeAnalytics, ranges.route);
  await page.getByRole('link', { name: 'analytics' }).click();
  await page.getByTestId('range-sessions').waitFor();
  await page.getByTestId('range-from').fill('2026-04-05');
  await page.getByTestId('range-from').fill('2026-04-07');
  await page.waitForSelector('[data-testid="range-filters"][data-loading="false"]', { timeout: 20_000 });
  assert.is(ranges.late(), 1, 'the earlier range answered after the later one');
  // Stored sessions are on 1-8 April: from the 7th that is two, from the 5th four.
  assert.is(await page.getByTestId('range-sessions').textContent(), '2 sessions');
  await page.unroute(rangeAnalytics, ranges.route);
  assert.equal(problems, []);
  await stack.closeLast();
});

run('letters picked quickly on the key chart: a late failure for the earlier letter is not shown under the later one', async () => {
  if (!db) return;
  const { page, problems } = await signedInPage(owner);
  await page.getByRole('link', { name: 'analytics' }).click();
  const chart = page.getByTestId('key-progress-chart');
  await page.waitForSelector('[data-testid="key-progress-chart"][data-loading="false"]', { timeout: 20_000 });
  // The heat map's choices are toggle buttons: a radio group would promise arrow keys it lacks.
  // The stored sessions are in April 2026: a range from then shows the heat map.
  await page.getByTestId('range-from').fill('2026-04-01');
  await page.waitForSelector('[data-testid="range-filters"][data-loading="false"]', { timeout: 20_000 });
  const heat = page.getByTestId('key-heatmap');
  await heat.waitFor();
  assert.is(await heat.locator('[role="radio"]').count(), 0);
  const label = (await heat.locator('button[aria-pressed="false"]').first().textContent())!;
  const choice = heat.getByRole('button', { name: label, exact: true });
  await choice.focus();
  await page.keyboard.press('Space');
  assert.is(await choice.getAttribute('aria-pressed'), 'true', 'Space on a heat map choice chooses it');
  const shown = await page.getByTestId('key-progress-key').inputValue();
  const [earlier, later] = (await page.getByTestId('key-progress-key').locator('option').allTextContents()).filter((k) => k !== shown);
  // The earlier letter's answer fails, and only after the later letter's has been answered.
  const letters = outOfOrder({ key: (url) => decodeURIComponent(url.pathname.split('/').pop() ?? ''), first: later!, held: (k) => k === earlier, status: 500 });
  const keyProgress = (url: URL) => url.pathname.startsWith('/api/analytics/keys/');
  await page.route(keyProgress, letters.route);
  await page.getByTestId('key-progress-key').selectOption(earlier!);
  await page.getByTestId('key-progress-key').selectOption(later!);
  await page.waitForSelector('[data-testid="key-progress-chart"][data-loading="false"]', { timeout: 20_000 });
  assert.is(letters.late(), 1, 'the earlier letter answered after the later one');
  assert.is(await chart.getByRole('alert').count(), 0, 'no error for a letter no longer chosen');
  assert.match((await page.getByTestId('chart-key-progress').getAttribute('aria-label')) ?? '', `key “${later}”`);
  await page.unroute(keyProgress, letters.route);
  // The held failure is this test's own: the page logs it, as the response and on the console.
  assert.equal(problems.filter((p) => !/HTTP 500: GET .*\/api\/analytics\/keys\/|status of 500/.test(p)), []);
  await stack.closeLast();
});

test.run();
