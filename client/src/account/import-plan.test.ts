import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planImport, reportText } from './import-plan.ts';

const session = { sessionId: '6f1c1f5e-7a43-4a8e-9d0a-2f4b8f1d3c11', originId: '0b8f3a52-51e4-4c53-8a86-6f2a6c1e9a40', mode: 'words', startedAt: '2026-01-01T10:00:00.000000Z', endedAt: null, eventCount: 2, summary: { big: true } };
const event = { sessionId: session.sessionId, batchSeq: 1, batchIdx: 0, offsetUs: 0, type: 0, code: 'KeyA', key: 'a', textPos: 0, finger: 1, isError: false, flags: 0 };

test('the sessions and events files, in any order, become one request without the summaries', () => {
  const plan = planImport([{ name: 'events.json', text: JSON.stringify([event]) }, { name: 'sessions.json', text: JSON.stringify([session]) }]);
  assert.ok(plan.ok);
  if (!plan.ok) return;
  assert.equal(plan.request.sessions, [{ sessionId: session.sessionId, originId: session.originId, mode: 'words', startedAt: session.startedAt, endedAt: null, eventCount: 2 }]);
  assert.equal(plan.request.events, [event]);
});

test("Monkeytype's results CSV is refused with the reason", () => {
  const csv = '_id,isPb,wpm,acc,rawWpm,consistency,charStats,mode,mode2,quoteLength,restartCount,testDuration,afkDuration,incompleteTestSeconds,lazyMode,blindMode,bailedOut,tags,timestamp\n1,false,80,97,84,75,"1;2;0;0",time,30,-1,0,30,0,0,false,false,false,,1700000000000\n';
  const plan = planImport([{ name: 'results.csv', text: csv }]);
  assert.not.ok(plan.ok);
  if (!plan.ok) assert.match(plan.reason, /Monkeytype.*totals.*keystrokes/s);
});

test('anything else is refused in plain words, never thrown', () => {
  for (const text of ['not json', '{"a":1}', '[{"x":1}]', '[]']) {
    const plan = planImport([{ name: 'f.json', text }]);
    assert.not.ok(plan.ok, text);
  }
});

test('the report says "0 new, 8 already present" and what was left out', () => {
  const text = reportText({ sessions: { added: 0, alreadyPresent: 8, withoutKeystrokes: 0 }, events: { added: 0, alreadyPresent: 900 }, orphanEvents: { sessions: 1, events: 40 } });
  assert.match(text, '0 new, 8 already present');
  assert.match(text, '40 events of 1 sessions were not imported');
});

test.run();
