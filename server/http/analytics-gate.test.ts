import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AnalyticsGate } from './analytics-gate.ts';
import { quietLogger } from '../test/support/ingest-fixtures.ts';
import { HttpError } from './errors.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: HttpError) => `${e.status} ${e.code}`);

test('at most `concurrency` run at once; the rest wait their turn in order', async () => {
  const gate = new AnalyticsGate({ concurrency: 1, perUser: 5, maxWaiting: 5, maxWaitMs: 10_000 }, quietLogger());
  const order: string[] = [];
  const first = deferred();
  const a = gate.run('u1', 'a', async () => { order.push('a'); await first.promise; });
  const b = gate.run('u2', 'b', async () => { order.push('b'); });
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(order, ['a']);
  first.resolve();
  await Promise.all([a, b]);
  assert.equal(order, ['a', 'b']);
});

test('one user past perUser gets 429 ANALYTICS_BUSY; others still get turns', async () => {
  const gate = new AnalyticsGate({ concurrency: 2, perUser: 1, maxWaiting: 5, maxWaitMs: 10_000 }, quietLogger());
  const hold = deferred();
  const a = gate.run('u1', 'a', () => hold.promise);
  assert.is(await codeOf(gate.run('u1', 'b', async () => undefined)), '429 ANALYTICS_BUSY');
  assert.is(await codeOf(gate.run('u2', 'c', async () => undefined)), 'ok');
  hold.resolve();
  await a;
  assert.is(await codeOf(gate.run('u1', 'd', async () => undefined)), 'ok', 'the turn was given back');
});

test('a full queue is 503 ANALYTICS_BUSY at once, a cancelled statement 503 ANALYTICS_TIMEOUT', async () => {
  const gate = new AnalyticsGate({ concurrency: 1, perUser: 5, maxWaiting: 0, maxWaitMs: 10_000 }, quietLogger());
  const hold = deferred();
  const a = gate.run('u1', 'a', () => hold.promise);
  assert.is(await codeOf(gate.run('u2', 'b', async () => undefined)), '503 ANALYTICS_BUSY');
  hold.resolve();
  await a;
  const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
  assert.is(await codeOf(gate.run('u1', 'c', () => Promise.reject(cancelled))), '503 ANALYTICS_TIMEOUT');
});

test.run();
