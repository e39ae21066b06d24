// METRICS.md on a fixture session worked out by hand (metrics-fixture.ts): the TypeScript
// reference and the SQL the API runs (the session typed through a running ingest server,
// read back from the running sidecar) must both give the hand values, and every figure the
// page's shapes name must have a hand value, so a figure added to the page without one fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveKeydowns } from '../../../shared/metrics/derive.ts';
import { fingerOf } from '../../../shared/metrics/fingers.ts';
import { keyModel, sessionLetterSamples } from '../../../shared/metrics/learning.ts';
import { sessionReport } from '../../../shared/metrics/reports.ts';
import { helloRaw, T } from '../support/raw-protocol-client.ts';
import { RunningStack } from './running-stack.ts';
import { readDoc, section, tableWithHeader } from './doc-tables.ts';
import { EVENTS, HAND, HAND_KEY_MODEL, PRACTICE_TEXT } from './metrics-fixture.ts';

const METRICS = readDoc('shared/metrics/METRICS.md');

/** Arrays METRICS.md leaves unordered, sorted the way the hand values are written. */
const UNORDERED: Record<string, string> = { keys: 'code', fingers: 'finger', hands: 'hand', digraphs: 'pair', digraphClasses: 'class' };

/** Equal within 1e-9, relative above 1 (METRICS.md's property tests allow 1e-6); lists every difference. */
function differences(actual: unknown, expected: unknown, path = '', out: string[] = []): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) out.push(`${path}: ${actual} (by hand ${expected})`);
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: ${JSON.stringify(actual)} (by hand ${expected.length} entries)`);
      return out;
    }
    const field = UNORDERED[path.split('.').at(-1)!];
    const sorted = field ? [...actual].sort((a, b) => (String(a[field]) < String(b[field]) ? -1 : String(a[field]) > String(b[field]) ? 1 : 0)) : actual;
    expected.forEach((e, i) => differences(sorted[i], e, `${path}[${i}]`, out));
  } else if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      out.push(`${path}: ${JSON.stringify(actual)} (by hand an object)`);
      return out;
    }
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      if (!(k in expected)) out.push(`${path}.${k}: ${JSON.stringify((actual as Record<string, unknown>)[k])} has no hand value`);
      else differences((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
    }
  } else if (actual !== expected) {
    out.push(`${path}: ${JSON.stringify(actual)} (by hand ${JSON.stringify(expected)})`);
  }
  return out;
}

function assertHand(actual: unknown, expected: unknown, who: string): void {
  const found = differences(actual, expected);
  assert.ok(found.length === 0, `${who} differs from the hand values:\n  ${found.join('\n  ')}`);
}

/** Every object key at any depth. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  }
  return out;
}

/**
 * The figures METRICS.md names: every field of the section 8 shapes a session and the key
 * model answer with. RangeAnalytics, TrendPoint and PersonalBest are left out: they repeat
 * ScopeSummary over several sessions, and a one-session fixture has no range to sum.
 */
const NOT_SESSION_SHAPES = new Set(['RangeAnalytics', 'TrendPoint', 'PersonalBest']);
function documentedFigures(): string[] {
  const block = /```\n([\s\S]*?)```/.exec(section(METRICS, /The API/))![1]!;
  const entries = block.split(/\n(?=\S)/);
  const names = new Set<string>();
  for (const entry of entries) {
    const head = /^([A-Za-z]+)/.exec(entry)![1]!;
    if (NOT_SESSION_SHAPES.has(head)) continue;
    if (/^[a-z]/.test(head)) names.add(head);
    const braces = entry.slice(entry.indexOf('{'), entry.lastIndexOf('}') + 1);
    for (const m of braces.matchAll(/\b([a-z][A-Za-z0-9]*)\b/g)) if (m[1] !== 'null') names.add(m[1]!);
  }
  return [...names].sort();
}

test('every figure METRICS.md names has a hand value in the fixture', () => {
  const hand = keysOf({ ...HAND, model: HAND_KEY_MODEL });
  const figures = documentedFigures();
  assert.ok(figures.length > 80, `the shapes block was read (${figures.length} names)`);
  assert.equal(figures.filter((f) => !hand.has(f)), [], 'figures in METRICS.md section 8 without a hand value in metrics-fixture.ts');
  // The formula table of section 3 names the same figures.
  const formulas = tableWithHeader(section(METRICS, /Speed and accuracy/), ['figure', 'formula']).map((r) => r[0]!.replace(/`/g, ''));
  assert.equal(formulas.filter((f) => !hand.has(f)), [], 'section 3 figures without a hand value');
});

const STORED = EVENTS.map((e, i) => ({ ...e, batchSeq: 1, batchIdx: i, finger: fingerOf(e.code) }));

test('the TypeScript reference gives the hand values', () => {
  const report = sessionReport({ sessionId: HAND.sessionId, practiceText: PRACTICE_TEXT, events: STORED }, { fatigueWindowSec: 1 });
  assertHand(report, HAND, 'sessionReport');
  assertHand(keyModel([sessionLetterSamples(deriveKeydowns(STORED, PRACTICE_TEXT))]), HAND_KEY_MODEL, 'keyModel');
});

/**
 * A window (METRICS.md section 6) of [1, 2) s holds the keydowns of the second fatigue window
 * and lasts as long (1000 ms), with the whole session's timings and finals: its summary is that
 * window's, by hand.
 */
const WINDOW_SUMMARY = Object.fromEntries(Object.entries(HAND.fatigue.windows[1]!).filter(([k]) => !['index', 'fromSec', 'toSec'].includes(k)));

test('the TypeScript reference gives the hand values for a window', () => {
  const report = sessionReport({ sessionId: HAND.sessionId, practiceText: PRACTICE_TEXT, events: STORED }, { fromUs: 1_000_000, toUs: 2_000_000, fatigueWindowSec: 1 });
  assertHand(report.window, { fromSec: 1, toSec: 2 }, 'sessionReport window');
  assertHand(report.summary, WINDOW_SUMMARY, 'sessionReport window summary');
});

let stack: RunningStack;
test.before(async () => {
  stack = await RunningStack.start();
});
test.after(async () => {
  await stack.close();
});

test('the SQL the API runs gives the hand values, for the session typed through the ingest server', async () => {
  const api = await stack.typist();
  const { sessionId, ticket } = await api.createSession(PRACTICE_TEXT);
  const ingest = await stack.ingest();
  const { client } = await helloRaw(ingest.url, ticket, sessionId);
  client.send({ t: T.batch, seq: 1, events: EVENTS });
  client.send({ t: T.end, seq: 1 });
  assert.is((await client.next(T.ended)).committedSeq, 1);
  const answer = await api.request('GET', `/api/sessions/${sessionId}/analytics?fatigueWindowSec=1`);
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  assertHand(answer.body.analytics, { ...HAND, sessionId }, 'GET /api/sessions/:id/analytics');
  const windowed = await api.request('GET', `/api/sessions/${sessionId}/analytics?from=1&to=2&fatigueWindowSec=1`);
  assert.is(windowed.status, 200, JSON.stringify(windowed.body));
  assertHand(windowed.body.analytics.window, { fromSec: 1, toSec: 2 }, 'the window');
  assertHand(windowed.body.analytics.summary, WINDOW_SUMMARY, 'the window summary');
  const model = await api.request('GET', '/api/analytics/keys');
  assert.is(model.status, 200, JSON.stringify(model.body));
  assertHand(model.body.model, HAND_KEY_MODEL, 'GET /api/analytics/keys');
});

test.run();
