import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_SESSION_SPAN_US } from './limits.ts';
import { offsetProblem } from './offset-rules.ts';

test('non-decreasing offsets within the span pass, equal offsets included', () => {
  assert.is(offsetProblem([0, 0, 5, 5, MAX_SESSION_SPAN_US]), null);
  assert.is(offsetProblem([{ offsetUs: 10 }, { offsetUs: 11 }], 10), null);
});

test('a decreasing offset is OFFSET_DECREASED, also against the previous batch', () => {
  assert.equal(offsetProblem([5, 4])?.code, 'OFFSET_DECREASED');
  assert.equal(offsetProblem([5, 4])?.index, 1);
  assert.equal(offsetProblem([{ offsetUs: 9 }], 10)?.code, 'OFFSET_DECREASED');
});

test('an offset past 6 hours is SESSION_TOO_LONG', () => {
  assert.equal(offsetProblem([0, MAX_SESSION_SPAN_US + 1])?.code, 'SESSION_TOO_LONG');
  assert.equal(offsetProblem([2 ** 53 - 1])?.code, 'SESSION_TOO_LONG');
});

test.run();
