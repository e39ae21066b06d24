// What a typist coming from Monkeytype expects, in a real Chromium against the real servers:
// a slip stays inside its word (a skipped, an extra, a transposed letter, auto-repeat), the
// test ends at the last letter, the results chart is labelled, and a test stopped early does
// not become a personal best.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page, Route } from 'playwright-core';
import { strokeFor, typeStrokes } from './support/browser-typist.ts';
import { ARTIFACTS, startClientStack, type ClientStack } from './support/client-stack.ts';
import { outOfOrder } from './support/out-of-order.ts';
import { freshDatabase } from './support/database.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';

const chromiumTool = CHROMIUM_TOOL();
const hasChromium = chromiumTool.path !== undefined || requireCi();
const db = hasChromium ? await freshDatabase() : null;
let stack: ClientStack | null = null;
let page: Page;

test.before(async () => {
  if (!db) return;
  stack = await startClientStack(db);
  page = stack.page;
  await page.goto(stack.origin);
});

test.after(async () => {
  await stack?.close();
  await db?.drop();
});

const run = chromiumTool.test;
const noPageErrors = () => assert.equal(stack!.takePageErrors(), [], 'uncaught errors in the page');

async function customText(text: string): Promise<void> {
  await page.getByTestId('mode-custom').click();
  await page.getByTestId('custom-text').fill(text);
  await page.getByTestId('custom-apply').click();
  await page.getByTestId('capture').focus();
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
}

/** Waits for the server's figures on the results page and reads them. */
async function serverResults(): Promise<{ characters: number[]; accuracy: number; sessionId: string }> {
  await page.waitForSelector('[data-testid="results"][data-source="server"]', { timeout: 20_000 }).catch(async (error: Error) => {
    const note = await page.getByTestId('results-note').textContent().catch(() => null);
    const phase = await page.getByTestId('typing-page').getAttribute('data-phase', { timeout: 1000 }).catch(() => null);
    throw new Error(`${error.message}\nresults note: ${note ?? '(no results page)'}; typing page phase: ${phase ?? '(none)'}`);
  });
  const characters = (await page.getByTestId('result-characters').textContent())!.split('/').map(Number);
  const accuracy = Number((await page.getByTestId('result-accuracy').textContent())!.replace('%', ''));
  const { rows } = await db!.pool.query<{ id: string }>('SELECT id FROM typing_sessions ORDER BY started_at DESC LIMIT 1');
  return { characters, accuracy, sessionId: rows[0]!.id };
}

async function storedDowns(sessionId: string): Promise<{ key: string; pos: number; error: boolean }[]> {
  const { rows } = await db!.pool.query<{ key_value: string; text_pos: number; is_error: boolean }>(
    "SELECT key_value, text_pos, is_error FROM keystrokes WHERE session_id = $1 AND event_type = 0 AND key_code <> 'ShiftLeft' ORDER BY offset_us, batch_seq, batch_idx",
    [sessionId],
  );
  return rows.map((r) => ({ key: r.key_value, pos: r.text_pos, error: r.is_error }));
}

async function nextTest(): Promise<void> {
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="typing-page"]');
}

// The issue's own example: the "a" of "late" skipped in a 10-word test.
const TEN_WORDS = 'several people stayed late after the quiet evening concert ended';

run('a skipped letter in a 10-word test: one missed letter, the next words aligned, accuracy over 95%, the test ends at the last letter', async () => {
  await customText(TEN_WORDS);
  const skip = TEN_WORDS.indexOf('late') + 1;
  const strokes = Array.from(TEN_WORDS).filter((_, i) => i !== skip);
  await typeStrokes(page, strokes, 90, 11);
  // No space or extra key after the last letter: the results are already there.
  await page.waitForSelector('[data-testid="results"]', { timeout: 5000 });
  const { characters, accuracy, sessionId } = await serverResults();
  const [correct, incorrect, extra, missed] = characters;
  assert.equal([incorrect, extra, missed], [2, 0, 1], `characters ${characters.join('/')}: "t" and "e" where "a" and "t" belong, "e" missed`);
  assert.is(correct, Array.from(TEN_WORDS).length - 3);
  assert.ok(accuracy >= 95, `accuracy ${accuracy}%`);
  const downs = await storedDowns(sessionId);
  const after = TEN_WORDS.indexOf('after');
  assert.equal(downs.find((d) => d.pos === after), { key: 'a', pos: after, error: false }, '"after" is typed at its own position');
  assert.is(downs.filter((d) => d.error).length, 2, 'no error runs past the word');
  assert.is(await page.locator('[data-testid="error-mark"]').count() > 0, true, 'errors are marked on the chart');
  await page.screenshot({ path: path.join(ARTIFACTS, 'typist-skipped-letter-results.png'), fullPage: true });
  noPageErrors();
});

run('the results chart: labelled axes with units, a legend, values on hover', async () => {
  assert.is(await page.getByTestId('x-axis-title').textContent(), 'time (seconds)');
  assert.match((await page.getByTestId('y-axis-title').textContent())!, /words per minute \(wpm\)/);
  const legend = await page.locator('[data-testid="speed-chart"] .legend').textContent();
  for (const entry of ['net wpm', 'raw wpm', 'errors']) assert.ok(legend!.includes(entry), `legend shows ${entry}`);
  const band = page.locator('[data-testid="speed-chart"] rect.band').nth(1);
  await band.hover();
  assert.match((await page.getByTestId('chart-readout').textContent())!, /^2 s: \d+ wpm, raw \d+, \d+ errors?$/);
  const seconds = await page.locator('[data-testid="speed-chart"] rect.band').count();
  const lastSecond = await page.evaluate(() => document.querySelector('[data-testid="speed-chart"] svg')!.getAttribute('aria-label')!.split('; ').at(-1));
  assert.ok(!/: 0 wpm, raw 0,/.test(lastSecond!), `no phantom last second falling to 0 (${seconds} seconds: ${lastSecond})`);
  assert.match((await page.getByTestId('result-setup').textContent())!, /custom \(64 characters\) · qwerty-us · stop on off/);
  noPageErrors();
});

run('an extra letter is shown after its word and counted once; an erased one not at all', async () => {
  await nextTest();
  const text = 'the cat sat on the warm mat by the door';
  await customText(text);
  // "thee" for "the", "catt" then Backspace for "cat".
  const strokes = ['t', 'h', 'e', 'e', ' ', 'c', 'a', 't', 't', 'Backspace', ...Array.from(text.slice(7))];
  await typeStrokes(page, strokes.slice(0, 4), 80, 12);
  assert.is(await page.locator('[data-testid="ticker"] .c.extra').textContent(), 'e', 'the extra letter is shown after the word');
  await typeStrokes(page, strokes.slice(4), 80, 13);
  const { characters, sessionId } = await serverResults();
  assert.equal(characters.slice(1), [0, 1, 0], `characters ${characters.join('/')}`);
  const downs = await storedDowns(sessionId);
  const length = Array.from(text).length;
  assert.equal(downs.filter((d) => d.pos > length).map((d) => d.key), ['e', 't', 'Backspace'], 'extra letters (and their erasing) sit past the text end');
  assert.equal(downs.find((d) => d.key === 'd'), { key: 'd', pos: text.indexOf('door'), error: false }, 'nothing after them shifts');
  noPageErrors();
});

run('a transposition costs two letters of its word, and nothing after it', async () => {
  await nextTest();
  const text = 'the end of the line';
  await customText(text);
  await typeStrokes(page, Array.from('teh end of the line'), 80, 14);
  const { characters, sessionId } = await serverResults();
  assert.equal(characters.slice(1), [2, 0, 0], `characters ${characters.join('/')}`);
  const downs = await storedDowns(sessionId);
  assert.equal(downs.filter((d) => d.error).map((d) => d.pos), [1, 2]);
  noPageErrors();
});

run('auto-repeat: a letter pressed while still down types again, as a text field would', async () => {
  await nextTest();
  const text = 'all good';
  await customText(text);
  const press = async (char: string) => {
    const { code } = strokeFor(char);
    await page.keyboard.down(code);
    await page.keyboard.up(code);
  };
  await press('a');
  await page.keyboard.down('KeyL');
  await page.keyboard.down('KeyL'); // still down: the browser reports repeat = true
  await page.keyboard.up('KeyL');
  for (const char of ' good') await press(char);
  const { characters, sessionId } = await serverResults();
  assert.equal(characters.slice(1), [0, 0, 0], `characters ${characters.join('/')}`);
  const { rows } = await db!.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1 AND event_type = 0 AND (flags & 1) <> 0", [sessionId]);
  assert.is(rows[0]!.n, 1, 'the second l went in as an auto-repeat');
  noPageErrors();
});

run('a test stopped early is not a personal best: the slower finished test is', async () => {
  await nextTest();
  await page.getByTestId('mode-words').click();
  await page.getByRole('button', { name: '10', exact: true }).click();
  await page.getByTestId('capture').focus();
  const readText = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="ticker"] .c:not(.extra)')].map((c) => c.textContent).join(''));
  // A burst at 150 wpm, stopped with Escape after a few words.
  const fast = await readText();
  await typeStrokes(page, Array.from(fast.slice(0, 25)), 150, 15);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
  // Then a whole test at 60 wpm.
  const slow = await readText();
  await typeStrokes(page, Array.from(slow), 60, 16);
  await serverResults();
  await page.getByTestId('new-best').waitFor({ timeout: 10_000 });
  const { rows } = await db!.pool.query<{ id: string; complete: boolean }>(
    "SELECT t.id, s.complete FROM session_summaries s JOIN typing_sessions t ON t.id = s.session_id WHERE t.mode = 'words' ORDER BY t.started_at",
  );
  assert.equal(rows.map((r) => r.complete), [false, true], 'the stopped test is kept, marked incomplete');
  // History says which one analytics leaves out.
  await page.getByRole('link', { name: 'history', exact: true }).click();
  const [stopped, finished] = rows.map((r) => page.locator(`tr[data-session="${r.id}"]`));
  await stopped!.waitFor();
  assert.is(await stopped!.getByTestId('history-stopped').count(), 1, 'the stopped test is marked');
  assert.is(await finished!.getByTestId('history-stopped').count(), 0, 'the finished one is not');
  await page.goBack();
  await page.getByTestId('results').waitFor();
  noPageErrors();
});

const shownText = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="ticker"] .c:not(.extra)')].map((c) => c.textContent).join(''));

run('a setting that does not change the text keeps it; the clock is right in every mode', async () => {
  await nextTest();
  await page.getByTestId('mode-words').click();
  const text = await shownText();
  await page.getByTestId('theme').selectOption('paper');
  await page.getByTestId('view-rolling').click();
  await page.getByTestId('view-ticker').click();
  await page.getByTestId('stop-on').selectOption('word');
  assert.is(await shownText(), text, 'theme, view and stop-on keep the text');
  await page.getByTestId('theme').selectOption('default');
  await page.getByTestId('stop-on').selectOption('off');
  await page.getByTestId('mode-timed').click();
  await page.getByRole('button', { name: '30', exact: true }).click();
  assert.is(await page.locator('[data-testid="live-stats"] .clock').textContent(), '30', 'a timed test shows its seconds after a words test');
  noPageErrors();
});

/**
 * The shown text once it matches every pattern: a click on a text setting makes the new text
 * in an effect after the click, so reading at once can see the old one on a busy machine.
 */
async function textMatching(what: string, ...patterns: RegExp[]): Promise<string> {
  const sources = patterns.map((p) => p.source);
  await page.waitForFunction((all) => {
    const text = [...document.querySelectorAll('[data-testid="ticker"] .c:not(.extra)')].map((c) => c.textContent).join('');
    return all.every((source) => new RegExp(source).test(text));
  }, sources, { timeout: 10_000 }).catch(async () => {
    throw new Error(`${what}: the text never matched ${sources.join(' and ')}; shown: ${await shownText()}`);
  });
  return shownText();
}

run('material: punctuation and numbers among the words; quotes by length with their source', async () => {
  await page.getByTestId('mode-words').click();
  await page.getByRole('button', { name: '100', exact: true }).click();
  await page.getByTestId('punctuation').click();
  await page.getByTestId('numbers').click();
  // The text starts a sentence: a capital, or a number when numbers replaced its first word
  // (the words are random: it may start "434 life ..."). Capitals after a full stop are
  // checked with a seeded random in decorate-words.test.ts; here a 100-word text holds no
  // second sentence about once in 10,000.
  await textMatching('punctuation and numbers on: the text starts a sentence', /^["(]?[A-Z0-9]/, /[,.?!;:]/, /\d/);
  await page.getByTestId('punctuation').click();
  await page.getByTestId('numbers').click();
  await textMatching('off again: plain words', /^[a-z ]+$/);
  await page.getByTestId('mode-quote').click();
  await page.getByTestId('quote-long').click();
  await textMatching('a long quote', /^[\s\S]{250,}$/);
  assert.ok(((await page.getByTestId('quote-source').textContent()) ?? '').length > 3, 'with its source');
  await page.getByTestId('quote-short').click();
  await textMatching('a short quote', /^[\s\S]{1,99}$/);
  noPageErrors();
});

run('a busy server is asked again: the results say so, then show the server\'s figures', async () => {
  // What the analytics gate answers when it has no turn for a request within 10 s.
  let refused = 0;
  const busy = async (route: Route) => {
    if (refused >= 2) return route.fallback();
    refused++;
    return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'ANALYTICS_BUSY', message: 'the server is computing many analytics right now; try again shortly', retryAfterSec: 2 } }) });
  };
  await page.route('**/api/sessions/*/analytics', busy);
  try {
    await customText('quiet evening');
    await typeStrokes(page, Array.from('quiet evening'), 90, 5);
    await page.waitForFunction(() => document.querySelector('[data-testid="results-note"]')?.textContent?.includes('trying again'), undefined, { timeout: 15_000 });
    await serverResults();
    assert.is(refused, 2);
  } finally {
    await page.unroute('**/api/sessions/*/analytics', busy);
  }
  await nextTest();
  noPageErrors();
});

/** Every letter learnt: what a late answer for an old, easier target could put back. */
const ALL_LEARNT = Array.from('abcdefghijklmnopqrstuvwxyz', (key) => ({ key, hits: 40, misses: 0, sessions: 4, lastMs: 100, smoothedMs: 100, bestMs: 90, confidence: 2 }));

run('learn mode: lessons over the first six letters until they reach the target; the target is the typist\'s', async () => {
  // The key model for any target but 20 is held until 20's has been answered, then answered
  // with every letter learnt (an error, which has no model, goes on unchanged).
  const models = outOfOrder({
    key: (url) => url.searchParams.get('targetWpm'),
    first: '20',
    held: () => true,
    rewrite: (body) => {
      const { model } = body as { model?: object };
      return model ? { model: { ...model, keys: ALL_LEARNT } } : null;
    },
  });
  await page.route('**/api/analytics/keys?*', models.route);
  try {
    await page.getByTestId('mode-learn').click();
    await page.getByTestId('learn-bar').waitFor();
    const text = await shownText();
    assert.match(text, /^[etaoin ]+$/, `only the unlocked letters: ${text}`);
    assert.match((await page.getByTestId('learn-focus').textContent())!, /^[etaoin]$/);
    await page.getByTestId('target-wpm').fill('20');
    await page.getByTestId('target-wpm').press('Enter');
    await page.getByTestId('target-wpm').blur();
    // The lesson is made again when the model at the new target arrives: type it after that.
    await page.waitForSelector('[data-testid="learn-bar"][data-loading="false"]', { timeout: 20_000 });
    assert.ok(models.late() >= 1, 'the model for the old target answered after the new one');
    const unlocked = await page.locator('[data-testid="learn-bar"] li.unlocked').count();
    assert.ok(unlocked < 26, `the old target's late answer is not applied (${unlocked} letters unlocked)`);
  } finally {
    await page.unroute('**/api/analytics/keys?*', models.route);
  }
  await page.getByTestId('capture').focus();
  await typeStrokes(page, Array.from(await shownText()), 90, 17);
  await serverResults();
  const { rows } = await db!.pool.query<{ mode: string; config: { lesson?: string } }>('SELECT mode, config FROM typing_sessions ORDER BY started_at DESC LIMIT 1');
  assert.equal([rows[0]!.mode, rows[0]!.config.lesson], ['words', 'learn']);
  // Every letter typed at ~90 wpm is over a 20 wpm target: the seventh letter unlocks.
  await nextTest();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="learn-bar"] li.unlocked').length >= 7, undefined, { timeout: 15_000 });
  await page.getByTestId('mode-words').click();
  noPageErrors();
});

test.run();
