import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameBudget } from './frame-budget.ts';

const takes = (budget: FrameBudget, now: number, n: number): boolean[] => Array.from({ length: n }, () => budget.take(now));

test('a burst is allowed at once, the frame after it is refused', () => {
  const budget = new FrameBudget(10, 3, 0);
  assert.equal(takes(budget, 0, 4), [true, true, true, false]);
});

test('tokens come back at the configured rate', () => {
  const budget = new FrameBudget(10, 3, 0);
  takes(budget, 0, 3);
  assert.is(budget.take(99), false, 'less than one token after 99 ms');
  assert.is(budget.take(100), true, 'one token after 100 ms at 10/s');
  assert.is(budget.take(100), false);
});

test('an idle connection saves up no more than the burst', () => {
  const budget = new FrameBudget(10, 3, 0);
  assert.equal(takes(budget, 3_600_000, 4), [true, true, true, false]);
});

test('the wall clock stepping backwards takes no tokens away', () => {
  const budget = new FrameBudget(10, 3, 10_000);
  assert.is(budget.take(10_000), true);
  // NTP steps the clock back 30 s: the client did nothing wrong
  assert.equal(takes(budget, -20_000, 2), [true, true]);
  assert.is(budget.take(-19_900), true, 'and it refills from the new time on');
});

test.run();
