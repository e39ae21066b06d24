// The Svelte client in a real Chromium against the real sidecar and ingest server: real key
// presses go in, and every keydown and keyup must come out of PostgreSQL exactly once, with
// its code and finger, through an ingest restart and through a page reload while the
// ingest server is down. Also measures the keystroke path and the bundle, and saves
// screenshots of each view under test-artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import { API_ROUTES } from '../http/api-routes.ts';
import { buildClientInto, launchChromium, type TestBrowser } from './support/browser.ts';
import { strokeFor, typeStrokes, type SentKey } from './support/browser-typist.ts';
import { freshDatabase } from './support/database.ts';
import { CHROMIUM_TOOL, requireCi } from './support/system-tools.ts';
import { startTestIngest } from './support/ingest-fixtures.ts';
import { pollUntil, REPO_ROOT } from './support/processes.ts';
import { startTestSidecar } from './support/sidecar-fixtures.ts';
import { freePort } from './support/test-postgres.ts';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const chromiumTool = CHROMIUM_TOOL();
const hasChromium = chromiumTool.path !== undefined || requireCi();

// 200 characters with capitals (Shift), punctuation and the whole alphabet.
const TEXT_200 = 'The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs; Sphinx of black quartz, judge my vow! How vexingly quick daft zebras jump, and bright vixens jump over dozy fowl too.';

interface StoredRow {
  event_type: number;
  key_code: string;
  key_value: string;
  finger: number;
  is_error: boolean;
  flags: number;
  text_pos: number;
}

const db = hasChromium ? await freshDatabase() : null;
let browser: TestBrowser | null = null;
let page: Page;
let restartIngest: () => Promise<void>;
let stopIngest: () => Promise<void>;
let stopSidecar: () => Promise<void>;
let restartSidecar: () => Promise<void>;
let closeAll: () => Promise<void> = async () => {};
/** Uncaught errors in the page: every test ends by asserting there were none. */
const pageErrors: string[] = [];
const noPageErrors = () => assert.equal(pageErrors.splice(0), [], 'uncaught errors in the page');

test.before(async () => {
  if (!db) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.rmSync(path.join(ARTIFACTS, 'keystroke-timing.json'), { force: true });
  const [sidecarPort, ingestPort, clientDir] = await Promise.all([freePort(), freePort(), buildClientInto()]);
  const origin = `http://127.0.0.1:${sidecarPort}`;
  const ingestOverrides = { INGEST_PORT: String(ingestPort), ALLOWED_ORIGINS: origin };
  let ingest: Awaited<ReturnType<typeof startTestIngest>> | null = await startTestIngest(db.url, db.pool, ingestOverrides);
  stopIngest = async () => {
    await ingest?.server.drain();
    ingest = null;
  };
  restartIngest = async () => {
    ingest = await startTestIngest(db.url, db.pool, ingestOverrides);
  };
  const startSidecar = () => startTestSidecar(
    db.url, db.pool,
    { PUBLIC_URL: origin, ALLOWED_ORIGINS: origin, INGEST_PUBLIC_URL: `ws://127.0.0.1:${ingestPort}/ws` },
    API_ROUTES,
    { clientDir, port: sidecarPort, connectSources: [`ws://127.0.0.1:${ingestPort}`] },
  );
  let sidecar: Awaited<ReturnType<typeof startSidecar>> | null = await startSidecar();
  stopSidecar = async () => {
    await sidecar?.close();
    sidecar = null;
  };
  restartSidecar = async () => {
    sidecar = await startSidecar();
  };
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(origin);
  closeAll = async () => {
    await browser?.close();
    await stopIngest();
    await stopSidecar();
    fs.rmSync(clientDir, { recursive: true, force: true });
  };
});

test.after(async () => {
  await closeAll();
  await db?.drop();
});

/** Custom text mode with `text`, ready to type, in the given view and theme. */
async function prepare(text: string, view: 'ticker' | 'rolling', theme: string): Promise<void> {
  await page.getByTestId('mode-custom').click();
  await page.getByTestId('custom-text').fill(text);
  await page.getByTestId('custom-apply').click();
  await page.getByTestId(`view-${view}`).click();
  await page.getByTestId('theme').selectOption(theme);
  await page.getByTestId('capture').focus();
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
}

/** The strokes to type `text`, with a wrong key and its Backspace at each given position. */
function strokesWithSlips(text: string, slipsAt: readonly number[]): { strokes: string[]; wrongKeydowns: number } {
  const strokes: string[] = [];
  Array.from(text).forEach((char, i) => {
    if (slipsAt.includes(i)) strokes.push(char === 'x' ? 'z' : 'x', 'Backspace');
    strokes.push(char);
  });
  return { strokes, wrongKeydowns: slipsAt.length };
}

async function latestSessionId(): Promise<string> {
  const { rows } = await db!.pool.query<{ id: string }>('SELECT id FROM typing_sessions ORDER BY started_at DESC LIMIT 1');
  return rows[0]!.id;
}

async function storedRows(sessionId: string): Promise<StoredRow[]> {
  const { rows } = await db!.pool.query<StoredRow>(
    'SELECT event_type, key_code, key_value, finger, is_error, flags, text_pos FROM keystrokes WHERE session_id = $1 ORDER BY offset_us, batch_seq, batch_idx',
    [sessionId],
  );
  return rows;
}

/** Waits until the session holds every sent event and has ended (the client sent `end`). */
async function waitStored(sessionId: string, sent: readonly SentKey[], ms: number): Promise<void> {
  const count = sent.length;
  const took = await pollUntil(async () => {
    const { rows } = await db!.pool.query<{ n: number; ended: boolean }>(
      'SELECT (SELECT count(*)::int FROM keystrokes WHERE session_id = $1) AS n, ended_at IS NOT NULL AS ended FROM typing_sessions WHERE id = $1',
      [sessionId],
    );
    return rows[0]!.n >= count && rows[0]!.ended;
  }, ms, 200);
  if (took === undefined) {
    const rows = await storedRows(sessionId);
    const stored = rows.map((r) => `${r.event_type}:${r.key_code}`);
    const expected = sent.map((k) => `${k.type}:${k.code}`);
    const at = expected.findIndex((e, i) => stored[i] !== e);
    const around = (list: string[]) => list.slice(Math.max(0, at - 3), at + 4).join(' ');
    assert.unreachable(
      `after ${ms} ms: ${rows.length} of ${count} events stored; connection ${await page.getByTestId('connection').getAttribute('data-level')}; ` +
        `first difference at ${at}: sent ${around(expected)} / stored ${around(stored)}`,
    );
  }
}

/** Every key sent is stored once, in order, with its code and finger. */
function assertExactlyOnce(rows: readonly StoredRow[], sent: readonly SentKey[]): void {
  const stored = rows.map((r) => `${r.event_type}:${r.key_code}`);
  const expected = sent.map((s) => `${s.type}:${s.code}`);
  assert.equal(stored.length, expected.length, `stored ${stored.length} events, sent ${expected.length}`);
  assert.equal(stored, expected);
  for (const row of rows) assert.is(row.finger, fingerOf(row.key_code), `finger of ${row.key_code}`);
}

interface Timing {
  keys: number;
  handleP50Ms: number;
  handleP95Ms: number;
  handleP99Ms: number;
  handleMaxMs: number;
  frameP50Ms: number;
  frameP99Ms: number;
}

/** Prints the keystroke figures the page measured and keeps them in test-artifacts/. */
function reportTiming(label: string, handle: number[], frame: number[]): void {
  const timing: Timing = {
    keys: handle.length, handleP50Ms: percentile(handle, 0.5), handleP95Ms: percentile(handle, 0.95), handleP99Ms: percentile(handle, 0.99),
    handleMaxMs: Math.max(...handle), frameP50Ms: percentile(frame, 0.5), frameP99Ms: percentile(frame, 0.99),
  };
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`${label}: keydown handling (DOM update included) over ${timing.keys} keys: p50 ${ms(timing.handleP50Ms)}, p95 ${ms(timing.handleP95Ms)}, p99 ${ms(timing.handleP99Ms)} (target 2 ms), max ${ms(timing.handleMaxMs)}`);
  console.log(`${label}: key event to the next animation frame: p50 ${ms(timing.frameP50Ms)}, p99 ${ms(timing.frameP99Ms)}`);
  const file = path.join(ARTIFACTS, 'keystroke-timing.json');
  const all = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Timing>) : {};
  fs.writeFileSync(file, `${JSON.stringify({ ...all, [label]: timing }, null, 2)}\n`);
}

/**
 * The keystroke timings are printed and kept in test-artifacts/, never asserted: on a shared
 * two-core machine a descheduled renderer shows up as a slow keystroke (p95 8.1 ms was seen
 * with the other core busy), so a time assertion measured the machine. What the old median
 * assertion guarded against, a keydown that re-renders the whole text (thousands of spans),
 * is asserted by counting instead: DOM nodes changed per keydown, the same on any machine.
 */
async function watchMutations(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { ffMutations: number; ffObserver?: MutationObserver };
    w.ffObserver?.disconnect();
    w.ffMutations = 0;
    w.ffObserver = new MutationObserver((records) => {
      for (const r of records) w.ffMutations += r.type === 'childList' ? r.addedNodes.length + r.removedNodes.length : 1;
    });
    w.ffObserver.observe(document.querySelector('[data-testid="typing-page"]')!, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

function mutationsSoFar(): Promise<number> {
  return page.evaluate(() => (window as unknown as { ffMutations: number }).ffMutations);
}

function assertFewMutationsPerKey(mutations: number, keydowns: number, textLength: number): void {
  const perKey = mutations / keydowns;
  console.log(`DOM changes per keydown with a ${textLength}-character text: ${perKey.toFixed(1)}`);
  assert.ok(perKey < 60, `${perKey.toFixed(1)} DOM changes per keydown: the text is re-rendered, not patched`);
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

const run = chromiumTool.test;

run('200 characters at ~100 wpm: every keydown and keyup stored once, with codes and fingers', async () => {
  await page.evaluate(() => performance.clearMeasures());
  await prepare(TEXT_200, 'ticker', 'default');
  await watchMutations();
  const { strokes, wrongKeydowns } = strokesWithSlips(TEXT_200, [17, 95]);
  const firstHalf = await typeStrokes(page, strokes.slice(0, 100), 100, 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'ticker-default.png') });
  const sent = [...firstHalf, ...(await typeStrokes(page, strokes.slice(100, -1), 100, 2))];
  const mutations = await mutationsSoFar(); // before the last key brings the results page
  sent.push(...(await typeStrokes(page, strokes.slice(-1), 100, 2)));
  await page.waitForSelector('[data-testid="results"]');
  const sessionId = await latestSessionId();
  await waitStored(sessionId, sent, 60_000);
  const rows = await storedRows(sessionId);
  assertExactlyOnce(rows, sent);

  const downs = rows.filter((r) => r.event_type === 0 && r.key_code !== 'ShiftLeft' && r.key_code !== 'Backspace');
  assert.is(downs.filter((r) => r.is_error).length, wrongKeydowns, 'the slips, and only they, are errors');
  assert.ok(downs.filter((r) => /^[A-Z]$/.test(r.key_value)).every((r) => (r.flags & 2) !== 0), 'capitals carry the Shift flag');
  const shifted = Array.from(TEXT_200).filter((char) => strokeFor(char).shift).length;
  assert.is(rows.filter((r) => r.event_type === 0 && r.key_code === 'ShiftLeft').length, shifted, 'every Shift recorded');
  // Word-aligned (METRICS.md section 1): the slip at 95 falls where a space belongs, so it is an
  // extra letter at a slot past the text's end; every other key is at its place in the text.
  const length = Array.from(TEXT_200).length;
  assert.is(TEXT_200[95], ' ');
  assert.equal(downs.filter((r) => r.text_pos > length).map((r) => [r.key_value, r.is_error]), [['x', true]]);
  assert.is(Math.max(...downs.filter((r) => r.text_pos < length).map((r) => r.text_pos)), length - 1);

  // The keystroke path, measured by the page itself with performance.measure.
  const measures = await page.evaluate(() => ({
    handle: performance.getEntriesByName('ff:keydown').map((e) => e.duration),
    frame: performance.getEntriesByName('ff:key-to-frame').map((e) => e.duration),
  }));
  reportTiming('200-character text, ticker', measures.handle, measures.frame);
  assert.ok(measures.handle.length >= downs.length, 'every keydown measured');
  assertFewMutationsPerKey(mutations, strokes.length - 1, TEXT_200.length);

  // The browser's figures at once, then the server's analytics (or a note that there are none yet).
  await page.waitForFunction(() => !document.querySelector('[data-testid="results-note"]')?.textContent?.startsWith('waiting'));
  const source = await page.getByTestId('results').getAttribute('data-source');
  console.log(`results shown from: ${source}; ${await page.getByTestId('results-note').textContent()}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'results.png') });
  noPageErrors();
});

run('a 120-second text (~2,500 characters, 13 times more spans) costs no more per key; Escape aborts, a key still down at Escape keeps its keyup', async () => {
  await page.keyboard.press('Enter'); // from the results to a new test
  await page.getByTestId('mode-timed').click();
  await page.getByRole('button', { name: '120', exact: true }).click();
  await page.getByTestId('view-rolling').click();
  await page.getByTestId('capture').focus();
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
  const text = await page.evaluate(() => [...document.querySelectorAll('[data-testid="rolling"] .c')].map((c) => c.textContent).join(''));
  assert.ok(text.length > 2000, `a 120 s text has ${text.length} characters`);
  await page.evaluate(() => performance.clearMeasures());
  await watchMutations();
  const sent = await typeStrokes(page, Array.from(text.slice(0, 79)), 110, 9);
  // Escape in the typing rhythm, before the last letter is up: that keyup still counts.
  const last = strokeFor(text[79]!);
  await page.keyboard.down(last.code);
  sent.push({ type: 0, code: last.code, key: last.key });
  const measures = await page.evaluate(() => ({
    handle: performance.getEntriesByName('ff:keydown').map((e) => e.duration),
    frame: performance.getEntriesByName('ff:key-to-frame').map((e) => e.duration),
  }));
  assertFewMutationsPerKey(await mutationsSoFar(), 80, text.length);
  await page.screenshot({ path: path.join(ARTIFACTS, 'rolling-long-text.png') });
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="typing-page"][data-phase="ready"]');
  await page.keyboard.up(last.code);
  sent.push({ type: 1, code: last.code, key: last.key });
  reportTiming(`${text.length}-character text, rolling`, measures.handle, measures.frame);
  const sessionId = await latestSessionId();
  await waitStored(sessionId, sent, 60_000);
  assertExactlyOnce(await storedRows(sessionId), sent);
  noPageErrors();
});

run('the typing page JavaScript is at most 120 KB gzipped', async () => {
  const scripts = await page.evaluate(() => [...document.querySelectorAll('script[src]')].map((s) => (s as HTMLScriptElement).src));
  let gzipped = 0;
  for (const src of scripts) {
    const body = Buffer.from(await (await fetch(src)).arrayBuffer());
    gzipped += zlib.gzipSync(body, { level: 9 }).length;
  }
  console.log(`typing page JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s)`);
  fs.writeFileSync(path.join(ARTIFACTS, 'bundle-size.json'), `${JSON.stringify({ files: scripts.length, gzippedBytes: gzipped }, null, 2)}\n`);
  assert.ok(scripts.length > 0);
  assert.ok(gzipped <= 120 * 1024, `${gzipped} bytes gzipped`);
});

run('the ingest server stops mid-session and comes back: every keystroke stored once', async () => {
  await page.keyboard.press('Enter'); // from the results to a new test
  const text = 'Keep typing while the server is away; nothing is lost and nothing doubles.';
  await prepare(text, 'ticker', 'cyberpunk');
  await page.getByRole('button', { name: 'muted' }).click(); // generated key and error sounds on
  await page.getByTestId('capture').focus();
  const strokes = Array.from(text);
  const sent = await typeStrokes(page, strokes.slice(0, 30), 110, 3);
  await stopIngest();
  sent.push(...(await typeStrokes(page, strokes.slice(30, 50), 110, 4)));
  await page.waitForSelector('[data-testid="connection"][data-level="offline"]', { timeout: 15_000 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'ticker-cyberpunk-offline.png') });
  sent.push(...(await typeStrokes(page, strokes.slice(50), 110, 8)));
  await page.waitForSelector('[data-testid="results"]');
  await restartIngest();
  const sessionId = await latestSessionId();
  await waitStored(sessionId, sent, 20_000);
  assertExactlyOnce(await storedRows(sessionId), sent);
  await page.waitForSelector('[data-testid="connection"][data-level="synced"]', { timeout: 15_000 });
  noPageErrors();
});

run('reload mid-session with the ingest server down: delivered on the next load, nothing lost', async () => {
  await page.keyboard.press('Enter');
  const text = 'A reload in the middle of a sentence must not cost a single key press.';
  await prepare(text, 'rolling', 'paper');
  const strokes = Array.from(text);
  const sent = await typeStrokes(page, strokes.slice(0, 25), 100, 5);
  await page.screenshot({ path: path.join(ARTIFACTS, 'rolling-paper.png') });
  await stopIngest();
  sent.push(...(await typeStrokes(page, strokes.slice(25, 50), 100, 6)));
  const sessionId = await latestSessionId();
  await page.reload();
  await page.waitForSelector('[data-testid="typing-page"]');
  await page.waitForSelector('[data-testid="connection"][data-level="offline"]', { timeout: 30_000 });
  await restartIngest();
  await waitStored(sessionId, sent, 25_000);
  assertExactlyOnce(await storedRows(sessionId), sent);
  noPageErrors();
});

run('the whole server away: a reload shows the app from the app shell, "offline – N keys queued", delivered once when it is back', async () => {
  await page.keyboard.press('Enter');
  const text = 'Reload with nobody answering, and the page is still here with every key.';
  await prepare(text, 'ticker', 'default');
  // The app shell is installed by the first page load.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const strokes = Array.from(text);
  const sent = await typeStrokes(page, strokes.slice(0, 20), 100, 10);
  await stopIngest();
  await stopSidecar();
  sent.push(...(await typeStrokes(page, strokes.slice(20, 40), 100, 11)));
  const sessionId = await latestSessionId();
  await page.reload();
  await page.waitForSelector('[data-testid="typing-page"]', { timeout: 30_000 });
  const indicator = page.locator('[data-testid="connection"][data-level="offline"]');
  await indicator.waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => /offline\s*–\s*\d+ keys queued/.test(document.querySelector('[data-testid="connection"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const shown = (await indicator.textContent())!.replace(/\s+/g, ' ').trim();
  const queued = Number(/(\d+) keys queued/.exec(shown)![1]);
  assert.ok(queued > 0 && queued <= sent.length, `the indicator says "${shown}"`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'offline-reload.png') });
  await restartSidecar();
  await restartIngest();
  await waitStored(sessionId, sent, 60_000);
  assertExactlyOnce(await storedRows(sessionId), sent);
  noPageErrors();
});

test.run();
