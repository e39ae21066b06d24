import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameBudget } from './frame-budget.ts';

const takes = (budget: FrameBudget, now: number, n: number) => Array.from({ length: n }, () => budget.take(now));

test('a burst is allowed at once; the frames after it are throttled, then a second burst beyond closes', () => {
  const budget = new FrameBudget(10, 3, 0);
  assert.equal(takes(budget, 0, 3), ['ok', 'ok', 'ok']);
  assert.equal(takes(budget, 0, 3), ['throttle', 'throttle', 'throttle']);
  assert.is(budget.take(0), 'close');
});

test('retryAfterMs is the time the debt takes to refill', () => {
  const budget = new FrameBudget(10, 3, 0);
  takes(budget, 0, 5); // two frames over budget
  assert.is(budget.retryAfterMs(), 200);
  assert.is(budget.take(300), 'ok', 'after the pause the client is within budget again');
});

test('tokens come back at the configured rate', () => {
  const budget = new FrameBudget(10, 3, 0);
  takes(budget, 0, 3);
  assert.is(budget.take(99), 'throttle', 'less than one token after 99 ms');
  const again = new FrameBudget(10, 3, 0);
  takes(again, 0, 3);
  assert.is(again.take(100), 'ok', 'one token after 100 ms at 10/s');
});

test('an idle connection saves up no more than the burst', () => {
  const budget = new FrameBudget(10, 3, 0);
  assert.equal(takes(budget, 3_600_000, 4), ['ok', 'ok', 'ok', 'throttle']);
});

test('the wall clock stepping backwards takes no tokens away', () => {
  const budget = new FrameBudget(10, 3, 10_000);
  assert.is(budget.take(10_000), 'ok');
  // NTP steps the clock back 30 s: the client did nothing wrong
  assert.equal(takes(budget, -20_000, 2), ['ok', 'ok']);
  assert.is(budget.take(-19_900), 'ok', 'and it refills from the new time on');
});

test('a client pacing itself at the stated rate is never throttled, however long the backlog', () => {
  const budget = new FrameBudget(200, 400, 0);
  let now = 0;
  for (let i = 0; i < 400; i++) assert.is(budget.take(now), 'ok');
  for (let i = 0; i < 20_000; i++) {
    now += 5;
    assert.is(budget.take(now), 'ok');
  }
});

test.run();
