import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { passwordChecks, passwordStrength } from './password-rules.ts';

test('the server rules, one check each', () => {
  assert.ok(passwordChecks('Typing-Flow-42').every((c) => c.ok));
  assert.ok(passwordChecks('correct horse battery staple').every((c) => c.ok), 'no composition rules');
  assert.not.ok(passwordChecks('Short-1A').every((c) => c.ok), 'under 12');
  assert.not.ok(passwordChecks('Password123!').every((c) => c.ok), 'common');
  assert.not.ok(passwordChecks('é'.repeat(37)).every((c) => c.ok), 'over 72 bytes');
  assert.not.ok(passwordChecks('Alice-12345678', 'alice@example.com').every((c) => c.ok), 'email name');
});

test('strength is low until every rule holds', () => {
  assert.ok(passwordStrength('abc') <= 2);
  assert.is(passwordStrength('Typing-Flow-42'), 4);
  assert.is(passwordStrength('Typing-Flow-42-and-more'), 4);
});

test.run();
