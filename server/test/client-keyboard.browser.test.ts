// Keyboard-only use of the Svelte client, in a real Chromium against the real servers: Tab
// restarts a test only from the typing area and moves the focus everywhere else, with a
// visible ring and a skip link; sign-in, settings and history by keyboard alone; Escape
// closes a dialog. (axe-core runs in client-axe-*.browser.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { typeStrokes } from './support/browser-typist.ts';
import { startClientStack, type ClientStack } from './support/client-stack.ts';
import { freshDatabase } from './support/database.ts';
import { outOfOrder } from './support/out-of-order.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';
import { signedInBrowser } from './support/sidecar-fixtures.ts';

const chromiumTool = CHROMIUM_TOOL();
const hasChromium = chromiumTool.path !== undefined || requireCi();
const db = hasChromium ? await freshDatabase() : null;
let stack: ClientStack | null = null;
let page: Page;
const TEXT = 'keys and focus';

test.before(async () => {
  if (!db) return;
  stack = await startClientStack(db);
  page = stack.page;
  await page.goto(stack.origin);
  // The account's settings and word set arrive after the first paint and may make a new text
  // (as they should while nobody types); the Tab checks below start once they have.
  await page.waitForLoadState('networkidle');
});

test.after(async () => {
  await stack?.close();
  await db?.drop();
});

const run = chromiumTool.test;
const noPageErrors = () => assert.equal(stack!.takePageErrors(), [], 'uncaught errors in the page');
const activeTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);
const typingText = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="ticker"] .c:not(.extra), [data-testid="rolling"] .c:not(.extra)')].map((c) => c.textContent).join(''));

/** The focused element draws a focus indicator (outline or box shadow) that is not the page's background. */
async function focusVisible(): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
}

/** Tab from the top of the page (the skip link) until `selector` has the focus; every stop on the way shows where the focus is. */
async function tabTo(selector: string, max = 60): Promise<number> {
  await page.evaluate(() => document.querySelector<HTMLElement>('.skip-link')!.focus());
  if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return 0;
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => {
      const el = document.activeElement!;
      const style = getComputedStyle(el);
      return `${el.outerHTML.slice(0, 80)} (outline ${style.outlineStyle} ${style.outlineWidth}, :focus ${el.matches(":focus")}, hasFocus ${document.hasFocus()}, within ${el.matches(":focus-within")})`;
    });
    assert.ok(await focusVisible(), `focus ring visible on ${here}`);
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return i;
  }
  throw new Error(`${selector} not reached by ${max} presses of Tab`);
}

async function typeCustom(text: string): Promise<void> {
  await page.getByTestId('mode-custom').click();
  await page.getByTestId('custom-text').fill(text);
  await page.getByTestId('custom-apply').click();
  await page.getByTestId('capture').focus();
  await typeStrokes(page, Array.from(text), 90, 21);
  await page.waitForSelector('[data-testid="results"]');
}

run('the text shown stays when the background loads bring nothing new', async () => {
  // Hold the word-set list until the first text is on screen, as a slow network or a busy
  // server would; its answer (no set chosen) must not swap the text the typist is reading.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/word-sets', async (route) => {
    await held;
    await route.continue();
  });
  try {
    await page.reload();
    await page.getByTestId('typing-page').waitFor();
    const shown = await typingText();
    assert.ok(shown.length > 0, 'a text before the server answers');
    const answered = page.waitForResponse('**/api/word-sets');
    release();
    await answered;
    await page.waitForLoadState('networkidle');
    assert.is(await typingText(), shown);
  } finally {
    await page.unroute('**/api/word-sets');
  }
  noPageErrors();
});

run('a word set chosen while another is loading: the text comes from the last one chosen', async () => {
  await page.getByTestId('mode-timed').click();
  const { rows } = await db!.pool.query<{ id: string; slug: string; words: string[] }>("SELECT id, slug, words FROM word_sets WHERE owner_id IS NULL AND slug IN ('english-200', 'english-1000')");
  const big = rows.find((r) => r.slug === 'english-1000')!;
  const small = rows.find((r) => r.slug === 'english-200')!;
  // The larger set's words are held until the smaller one's have arrived, as a slow answer.
  const sets = outOfOrder({ key: (url) => url.pathname.split('/').pop() ?? null, first: small.id, held: (id) => id === big.id });
  const words = (url: URL) => /^\/api\/word-sets\/[^/]+$/.test(url.pathname);
  await page.route(words, sets.route);
  try {
    await page.getByTestId('word-set').selectOption(big.id);
    await page.getByTestId('word-set').selectOption(small.id);
    await page.waitForSelector('[data-testid="word-set"][data-loading="false"]', { timeout: 20_000 });
    assert.is(sets.late(), 1, 'the first set chosen answered last');
    const known = new Set(small.words);
    const shown = (await typingText()).split(' ').filter(Boolean);
    assert.ok(shown.length >= 10, `a text is shown (${shown.length} words)`);
    assert.equal(shown.filter((w) => !known.has(w)), [], 'every word from english-200, the set chosen last');
  } finally {
    await page.unroute(words, sets.route);
    await page.getByTestId('word-set').selectOption('');
  }
  noPageErrors();
});

run('Tab restarts only from the typing area; Shift+Tab leaves it, and the hint says so', async () => {
  await page.getByTestId('capture').focus();
  const before = await typingText();
  await page.keyboard.press('Tab');
  assert.is(await activeTestId(), 'capture', 'the typing area keeps the focus');
  assert.is.not(await typingText(), before, 'a new text');
  assert.match((await page.getByTestId('typing-hint').textContent())!, /Tab new text.*Shift\s*\+\s*Tab leave the text/s);
  await page.keyboard.press('Shift+Tab');
  assert.is.not(await activeTestId(), 'capture', 'Shift+Tab moved the focus out');
  assert.ok(await focusVisible(), 'where it went shows a focus ring');
  const text = await typingText();
  await page.keyboard.press('Tab'); // on a control: the focus moves back, the text stays
  assert.is(await typingText(), text);
  noPageErrors();
});

run('a skip link first; Enter on a focused mode button opens the dialog (not a test), Escape closes it', async () => {
  await page.goto(`${stack!.origin}/login`);
  await page.getByTestId('login-page').waitFor();
  await page.keyboard.press('Tab');
  assert.is(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.is(await page.evaluate(() => document.activeElement?.id), 'main');
  await page.goto(stack!.origin);
  await tabTo('[data-testid="mode-custom"]');
  await page.keyboard.press('Enter');
  await page.getByTestId('custom-dialog').waitFor();
  assert.is(await page.getByTestId('typing-page').getAttribute('data-phase'), 'ready', 'Enter on a button is the button\'s');
  await page.keyboard.press('Escape');
  await page.getByTestId('custom-dialog').waitFor({ state: 'detached' });
  noPageErrors();
});

run('a setting clicked with the mouse hands the keys back: the next Space types a space, and the setting stays as set', async () => {
  await page.goto(stack!.origin);
  await page.waitForLoadState('networkidle');
  await page.getByTestId('mode-words').click();
  const punctuation = page.getByTestId('punctuation');
  const before = await punctuation.getAttribute('aria-pressed');
  for (const control of [punctuation, punctuation, page.getByTestId('view-rolling'), page.getByTestId('view-ticker'), page.getByTestId('count-incomplete'), page.getByTestId('count-incomplete')]) {
    await control.click();
    assert.is(await activeTestId(), 'capture', 'the typing area has the keys after the click');
  }
  const words = (await typingText()).split(' ');
  const typed = `${words[0]} ${words[1]} `;
  await typeStrokes(page, Array.from(typed), 70, 5);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ticker"] .c.correct').length >= n, typed.length, { timeout: 10_000 });
  assert.is(await page.locator('[data-testid="ticker"] .c.error, [data-testid="ticker"] .c.missed, [data-testid="ticker"] .c.extra').count(), 0, 'every space went into the text');
  assert.is(await punctuation.getAttribute('aria-pressed'), before, 'no space pressed the punctuation button');
  await page.keyboard.press('Escape');
  noPageErrors();
});

run('a custom number: Escape drops it, an out-of-range one is explained, and the keys come back after either', async () => {
  await page.goto(stack!.origin);
  await page.waitForLoadState('networkidle');
  await page.getByTestId('mode-words').click();
  const chosen = () => page.locator('[data-testid="typing-page"]').evaluate(() => document.querySelector('nav.modes button.on[aria-pressed="true"]:not([data-testid^="mode-"])')?.textContent ?? null);
  const count = await chosen();
  const custom = page.locator('nav.modes button[title^="words ("]');
  await custom.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('40');
  await page.keyboard.press('Escape');
  assert.is(await custom.textContent(), '…', 'Escape applied nothing');
  assert.is(await chosen(), count);
  assert.is(await activeTestId(), 'capture');
  await custom.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('0');
  await page.keyboard.press('Enter');
  const field = page.getByLabel('words', { exact: true });
  assert.match(await field.evaluate((input: HTMLInputElement) => input.validationMessage), /whole number from 1 to/);
  await page.keyboard.press('Escape');
  await field.waitFor({ state: 'detached' });
  assert.is(await chosen(), count);
  assert.is(await activeTestId(), 'capture');
  await page.getByTestId('mode-custom').click();
  await page.getByTestId('custom-dialog').getByRole('button', { name: 'cancel' }).click();
  await page.getByTestId('custom-dialog').waitFor({ state: 'detached' });
  assert.is(await activeTestId(), 'capture', 'after the dialog, not the page body');
  await page.getByTestId('mode-custom').click();
  await page.getByTestId('custom-text').fill('ab cd');
  await page.getByTestId('custom-apply').click();
  await page.getByTestId('custom-dialog').waitFor({ state: 'detached' });
  assert.is(await activeTestId(), 'capture', 'after the custom text is applied');
  noPageErrors();
});

run('a link followed inside a page, or a form that became its confirmation, leaves the focus in the page, not back at the top', async () => {
  await page.goto(`${stack!.origin}/login`);
  await page.getByTestId('login-page').waitFor();
  await tabTo('main a[href="/register"]');
  await page.keyboard.press('Enter');
  await page.getByTestId('register-page').waitFor();
  assert.is(await page.evaluate(() => document.activeElement?.id), 'main', 'the new page\'s main region has the focus');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement?.closest('main') !== null), 'the next Tab stays in the page');
  await page.getByTestId('register-email').fill(`focus-${Date.now()}@example.com`);
  await page.getByTestId('register-password').fill('Focus-Stays-Here-42');
  await page.getByTestId('register-submit').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('register-sent').waitFor();
  assert.is(await activeTestId(), 'register-sent', 'the confirmation has the focus, not <body>');
  noPageErrors();
});

run('keyboard only: sign in, change a setting, open a session from history', async () => {
  const { email, password } = await signedInBrowser(stack!.sidecar);
  await page.goto(`${stack!.origin}/login`);
  await page.getByTestId('login-page').waitFor();
  await tabTo('[data-testid="login-email"]');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  assert.is(await activeTestId(), 'login-password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByTestId('signed-in-as').waitFor();
  await page.goto(stack!.origin);
  await typeCustom(TEXT);

  await tabTo('a[href="/settings"]');
  await page.keyboard.press('Enter');
  await page.getByTestId('settings-page').waitFor();
  await tabTo('[data-testid="settings-page"] input[type="checkbox"]');
  const before = await page.evaluate(() => (document.activeElement as HTMLInputElement).checked);
  await page.keyboard.press('Space');
  assert.is(await page.evaluate(() => (document.activeElement as HTMLInputElement).checked), !before, 'Space toggles it');
  await page.keyboard.press('Space');

  await tabTo('a[href="/history"]');
  await page.keyboard.press('Enter');
  await page.getByTestId('history-table').waitFor();
  await tabTo('[data-testid="history-open"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/sessions\//);
  noPageErrors();
});

run('reduced motion is respected; the next key is announced only when the typist asks', async () => {
  await page.goto(stack!.origin);
  await page.getByTestId('typing-page').waitFor();
  // Seconds, as the computed style gives them.
  const slide = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('[data-testid="ticker"] .strip')!).transitionDuration));
  assert.ok((await slide()) > 0.01, 'the ticker slides');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  assert.ok((await slide()) < 0.001, 'with reduced motion it does not');
  await page.emulateMedia({ reducedMotion: null });
  const live = () => page.evaluate(() => [...document.querySelectorAll('[aria-live]:not([aria-live="off"])')].map((e) => e.textContent?.trim() ?? ''));
  assert.ok((await live()).every((text) => !text.startsWith('next')), 'nothing about the next key is spoken by default');
  assert.is(await page.locator('.finger[aria-live]').count(), 0, 'the finger hint is not a live region');
  await page.getByTestId('announce').check();
  assert.ok((await live()).some((text) => /^next [A-Z]/.test(text)), `on request: ${(await live()).join(' | ')}`);
  await page.getByTestId('announce').uncheck();
  noPageErrors();
});

run('Caps Lock on: the typing page warns', async () => {
  await page.getByTestId('capture').focus();
  // Headless Chromium keeps no Caps Lock state for synthetic key presses: a key event that
  // carries it, as the browser sends one with Caps Lock on.
  const keyWithCaps = (capsLock: boolean) => page.evaluate((on) => {
    const field = document.querySelector('[data-testid="capture"]')!;
    for (const type of ['keydown', 'keyup']) field.dispatchEvent(new KeyboardEvent(type, { key: on ? 'E' : 'e', code: 'KeyE', bubbles: true, modifierCapsLock: on }));
  }, capsLock);
  await keyWithCaps(true);
  await page.getByTestId('caps-warning').waitFor({ timeout: 3000 });
  await keyWithCaps(false);
  await page.getByTestId('caps-warning').waitFor({ state: 'detached', timeout: 3000 });
  await page.keyboard.press('Escape');
  noPageErrors();
});

test.run();
