// The data, settings and device screens a typist relies on, in a real Chromium against the
// real sidecar and ingest server: every route on a first visit without console errors or
// failed requests, every route at 390x844 without anything wider than the screen, settings
// applied at sign-in without a reload, devices named, and an export imported back twice
// (nothing duplicated) and a sessions file imported without its events (refused, then
// imported on request and marked). Screenshots go to test-artifacts/data-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { DataStack, OWNER_SESSIONS as SESSIONS, PHONE } from './support/data-stack.ts';
import { freshDatabase } from './support/database.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';
import { REPO_ROOT } from './support/processes.ts';
import { signedInBrowser, type TestSidecar } from './support/sidecar-fixtures.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const chromiumTool = CHROMIUM_TOOL();
const hasChromium = chromiumTool.path !== undefined || requireCi();
const run = chromiumTool.test;
// Every page a signed-out visitor can open (the ids are well-formed but unknown: those
// pages say so without a failed request only where they need none, so they are left out
// of the first-visit check and covered signed in with real ids below).
const FIRST_VISIT_ROUTES = ['/', '/login', '/register', '/forgot', '/reset', '/verify', '/history', '/analytics', '/settings', '/glossary', '/no-such-page'];

const db = hasChromium ? await freshDatabase() : null;
let stack: DataStack;
let origin = '';
let sidecar: TestSidecar;
let owner: DataStack['owner'];
let ownerSessions: readonly string[] = [];

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `data-${name}.png`), fullPage: true });
const freshPage = (viewport = PHONE) => stack.freshPage(viewport);
const signedInPage = (account: { email: string; password: string }, viewport?: { width: number; height: number }) => stack.signedInPage(account, viewport);

test.before(async () => {
  if (!db) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  stack = await DataStack.start(db);
  ({ origin, sidecar, owner, ownerSessions } = stack);
});

test.after(async () => {
  await stack?.close();
  await db?.drop();
});

// Run in the page as a plain script: the test's TypeScript is compiled with helpers
// (__name) that do not exist there.
const OVERFLOW_SCRIPT = `(() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > vw) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || (box.right <= vw + 1 && box.left >= -1)) continue;
    let clipped = false;
    for (let a = el.parentElement; a && a !== document.body && !clipped; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === 'visible') continue;
      const outer = a.getBoundingClientRect();
      clipped = outer.left >= -1 && outer.right <= vw + 1;
    }
    if (clipped) continue;
    const id = el.getAttribute('data-testid') || String(el.className).slice(0, 40);
    out.push('<' + el.tagName.toLowerCase() + ' ' + id + '> spans ' + Math.round(box.left) + '..' + Math.round(box.right));
  }
  return out.slice(0, 10);
})()`;

/** Elements reaching past the viewport's sides that no clipping box of theirs hides. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(OVERFLOW_SCRIPT);
}

/** The route loaded, its page chunk shown, and the network quiet. */
async function visit(page: Page, route: string): Promise<void> {
  await page.goto(`${origin}${route}`);
  await page.waitForSelector('main [data-testid], main section, main h2');
  await page.waitForLoadState('networkidle');
}

run('a signed-out first visit of every route: no console error, no failed request, nothing wider than a 390 px screen', async () => {
  if (!db) return console.warn('chromium missing: skipped');
  const report: string[] = [];
  for (const route of FIRST_VISIT_ROUTES) {
    const { page, problems } = await freshPage();
    await visit(page, route);
    const wide = await overflowing(page);
    report.push(...problems.map((p) => `${route}: ${p}`), ...wide.map((w) => `${route}: ${w}`));
    await shot(page, `phone-signed-out${route === '/' ? '-typing' : route.replace(/\//g, '-')}`);
    await stack.closeLast();
  }
  assert.equal(report, []);
});

run('signed in, at 390x844: history, a session, analytics, settings and the glossary fit the screen, without console errors', async () => {
  if (!db) return;
  const { page, problems } = await signedInPage(owner, PHONE);
  await page.waitForLoadState('networkidle'); // a navigation now would abort the sign-in's own requests
  const report: string[] = [];
  for (const route of ['/', '/history', `/sessions/${ownerSessions[0]}`, '/analytics', '/settings', '/glossary']) {
    problems.length = 0;
    await visit(page, route);
    if (route === '/history') await page.getByTestId('history-table').waitFor();
    if (route.startsWith('/sessions/')) await page.getByTestId('chart-speed').waitFor();
    if (route === '/analytics') await page.getByTestId('chart-key-progress').waitFor();
    // (a request cut short by the test's own next navigation is not the page's failure)
    report.push(...problems.filter((p) => !p.endsWith('net::ERR_ABORTED')).map((p) => `${route}: ${p}`), ...(await overflowing(page)).map((w) => `${route}: ${w}`));
    await shot(page, `phone${route === '/' ? '-typing' : route.replace(/\//g, '-').replace(/-[0-9a-f-]{36}$/, '-session')}`);
  }
  assert.equal(report, []);
  // Every chart says what its measures are, linked to the glossary.
  await visit(page, `/sessions/${ownerSessions[0]}`);
  await page.getByTestId('chart-speed').waitFor();
  assert.ok(await page.locator('[data-testid="measure-notes"] a[href="/glossary#flight"]').count() >= 1, 'flight is explained');
  const chart = page.getByTestId('chart-speed');
  assert.is(await chart.getAttribute('aria-label'), 'speed and errors per second; across: time into the session (s); up: speed (wpm); right: errors per second');
  await chart.locator('.u-over').hover(); // scrolled into view, the pointer in its middle
  // the legend shows the value under the pointer, with its unit (it redraws on the next frame)
  await page.waitForFunction(() => /\d+ wpm/.test(document.querySelector('[data-testid="chart-speed"] .u-legend')?.textContent ?? ''));
  await page.locator('[data-testid="measure-notes"] a[href="/glossary#flight"]').first().click();
  await page.getByTestId('glossary-page').waitFor();
  assert.match((await page.locator('#flight').textContent()) ?? '', /negative/);
  await stack.closeLast();
});

run('forms: the meter agrees with the rules, and an error clears as soon as its field is edited', async () => {
  if (!db) return;
  const { page, problems } = await freshPage();
  await visit(page, '/register');
  await page.getByTestId('register-email').fill('someone@example.com');
  await page.getByTestId('register-password').fill('Abcdefgh1234'); // every rule (12 characters, not common), nothing more
  assert.is(await page.locator('.meter li:not(.ok)').count(), 0, 'every rule ticked');
  assert.ok(await page.getByTestId('register-submit').isEnabled());
  assert.match((await page.getByTestId('password-strength-word').textContent()) ?? '', /^(good|strong)$/);
  await page.getByTestId('register-password').fill('abcdefgh');
  assert.is(await page.getByTestId('password-strength-word').textContent(), 'not yet');

  await visit(page, '/login');
  await page.getByTestId('login-email').fill(owner.email);
  await page.getByTestId('login-password').fill('Wrong-Password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('form-error').waitFor();
  await page.getByTestId('login-password').fill(owner.password);
  await page.getByTestId('form-error').waitFor({ state: 'detached' });
  // The wrong password's 401 is the answer the form shows: the one failed request expected here.
  assert.equal(problems.filter((p) => !/401.*\/auth\/login|status of 401/.test(p)), []);
  await stack.closeLast();
});

run('settings follow the account the moment you sign in, without a reload', async () => {
  if (!db) return;
  const saved = await owner.browser.request('PATCH', '/api/settings', { json: { theme: 'paper' } });
  assert.is(saved.status, 200, JSON.stringify(saved.body));
  const { page, problems } = await freshPage({ width: 1200, height: 820 });
  await visit(page, '/');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'default');
  await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
  await page.getByTestId('nav-login').click();
  await page.getByTestId('login-email').fill(owner.email);
  await page.getByTestId('login-password').fill(owner.password);
  await page.getByTestId('login-submit').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'paper');
  assert.ok(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), 'the same page, never reloaded');
  assert.equal(problems, []);
  await stack.closeLast();
  await owner.browser.request('PATCH', '/api/settings', { json: { theme: 'default' } });
});

/** Signs `account` in on a fresh desktop-sized browser and opens the settings. */
async function settingsOf(account: { email: string; password: string }) {
  const fresh = await signedInPage(account);
  await fresh.page.getByRole('link', { name: 'settings' }).click();
  await fresh.page.getByTestId('data-panel').waitFor();
  return fresh;
}

async function download(page: Page, id: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${id}`).click()]);
  const saved = path.join(ARTIFACTS, `data-${id}.json`);
  await file.saveAs(saved);
  return saved;
}

async function importFiles(page: Page, files: Parameters<Page['setInputFiles']>[1]): Promise<string> {
  await page.getByTestId('import-file').setInputFiles(files);
  await page.waitForFunction(() => {
    const note = document.querySelector('[data-testid="data-note"]')?.textContent ?? '';
    return /^(Imported|Nothing was imported|Import failed)|Monkeytype/.test(note);
  });
  return (await page.getByTestId('data-note').textContent()) ?? '';
}

const sessionTotal = async () => (await owner.browser.get('/api/sessions?limit=1')).body.total as number;

run('a link followed while sign-in finishes is where the typist stays (no late jump home)', async () => {
  if (!db) return;
  const { page, problems } = await freshPage({ width: 1200, height: 820 });
  await page.goto(`${origin}/login`);
  // The navbar shows the account from the first reload after sign-in; the login page waits
  // for another before it goes home, and on a busy machine that answer came after the typist
  // had clicked on (this file failed in CI that way). Hold every reload but the first.
  // Counted from the login's answer: on a busy machine the page's own first reload (of the
  // anonymous typist it starts as) can still be in flight when the form is sent, and
  // counting it held the account's reload instead (this test failed in CI that way too).
  let armed = false;
  let seen = 0;
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  page.on('response', (r) => r.url().endsWith('/auth/login') && (armed = true));
  await page.route('**/auth/me', async (route) => {
    if (armed && ++seen >= 2) await held;
    await route.continue();
  });
  await page.getByTestId('login-email').fill(owner.email);
  await page.getByTestId('login-password').fill(owner.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('signed-in-as').waitFor();
  await page.getByRole('link', { name: 'settings' }).click();
  await page.getByTestId('data-panel').waitFor();
  const answered = page.waitForResponse('**/auth/me');
  release();
  await answered;
  await page.waitForTimeout(200); // what the late answer would have done, it has done by now
  assert.is(new URL(page.url()).pathname, '/settings');
  assert.ok(await page.getByTestId('data-panel').isVisible(), 'the settings page was left');
  assert.equal(problems, []);
  await stack.closeLast();
});

run('devices are named (browser, system, type), with the last use and "this device"', async () => {
  if (!db) return;
  const { page, problems } = await settingsOf(owner);
  const mine = page.getByTestId('device').filter({ has: page.getByTestId('this-device') });
  await mine.waitFor();
  assert.match((await mine.getByTestId('device-label').textContent()) ?? '', /^Chrome( Headless)? \d+ on Linux/);
  assert.is(await mine.getByTestId('device-type').textContent(), 'desktop');
  assert.match((await mine.textContent()) ?? '', /last used/);
  assert.is(await page.getByTestId('this-device').count(), 1);
  await shot(page, 'devices');
  assert.equal(problems, []);
  await stack.closeLast();
});

run('an export imported back twice adds nothing: "0 new, 8 already present", counts unchanged', async () => {
  if (!db) return;
  const { page, problems } = await settingsOf(owner);
  const files = [await download(page, 'sessions-json'), await download(page, 'events-json')];
  const before = await sessionTotal();
  assert.is(before, SESSIONS);
  for (let round = 0; round < 2; round++) {
    const note = await importFiles(page, files);
    assert.match(note, `Sessions: 0 new, ${SESSIONS} already present.`);
    assert.match(note, /Keystroke events: 0 new, \d+ already present/);
    assert.is(await sessionTotal(), before, `round ${round}: no duplicate session`);
  }
  await shot(page, 'import-twice');
  assert.equal(problems, [], 'no TypeError, nothing failed');
  await stack.closeLast();
});

run('a sessions file without its events is refused, then imported on request and marked "no keystrokes"; Monkeytype CSV gets a reason', async () => {
  if (!db) return;
  const other = await signedInBrowser(sidecar);
  const { page, problems } = await settingsOf(other);
  assert.match((await page.getByTestId('import-rules').textContent()) ?? '', /32 MB/);
  const refused = await importFiles(page, [path.join(ARTIFACTS, 'data-sessions-json.json')]);
  assert.match(refused, /Nothing was imported\. 8 sessions had keystrokes that are not in the files/);
  await page.getByTestId('import-without-keystrokes').click();
  await page.waitForFunction(() => /^Imported/.test(document.querySelector('[data-testid="data-note"]')?.textContent ?? ''));
  const note = (await page.getByTestId('data-note').textContent()) ?? '';
  assert.match(note, `Sessions: ${SESSIONS} new, 0 already present.`);
  assert.match(note, `${SESSIONS} sessions were imported without keystrokes`);
  const monkeytype = await importFiles(page, [{ name: 'results.csv', mimeType: 'text/csv', buffer: Buffer.from('_id,isPb,wpm,acc,rawWpm,consistency,charStats,mode,mode2,timestamp\n1,false,80,97,84,75,"1;2;0;0",time,30,1700000000000\n') }]);
  assert.match(monkeytype, /Monkeytype's results CSV\. It is not imported/);
  await shot(page, 'import-sessions-only');
  await page.getByRole('link', { name: 'history' }).click();
  await page.getByTestId('history-table').waitFor();
  assert.is(await page.getByTestId('no-keystrokes').count(), SESSIONS);
  // The 422 that asked for the events file is the one answer that is an HTTP error, by design.
  assert.equal(problems.filter((p) => !/HTTP 422: POST .*\/api\/import\/files|status of 422/.test(p)), []);
  await stack.closeLast();
});

test.run();
