import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { passwordChecks, passwordStrength } from './password-rules.ts';

test('the server rules, one check each', () => {
  assert.ok(passwordChecks('Typing-Flow-42').every((c) => c.ok));
  assert.not.ok(passwordChecks('short1A').every((c) => c.ok));
  assert.not.ok(passwordChecks('Password123').every((c) => c.ok), 'common');
  assert.not.ok(passwordChecks('Alice12345', 'alice@example.com').every((c) => c.ok), 'email name');
});

test('strength is low until every rule holds', () => {
  assert.ok(passwordStrength('abc') <= 2);
  assert.ok(passwordStrength('Typing-Flow-42') === 4);
});

test.run();
