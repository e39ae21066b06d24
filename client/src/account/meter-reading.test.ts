import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { meterReading } from './meter-reading.ts';
import { passwordChecks, passwordStrength } from './password-rules.ts';

const read = (password: string, email = '') => meterReading(passwordChecks(password, email), passwordStrength(password, email));

test('every rule ticked never reads "not yet": the meter agrees with the form', () => {
  for (const password of ['Abcdefgh1234', 'Typing-Flow-42', 'zQ8vLm3kPp12', 'Tr0ub4dor&3xyz']) {
    const allOk = passwordChecks(password).every((c) => c.ok);
    assert.ok(allOk, password);
    assert.ok(['good', 'strong'].includes(read(password).word), `${password}: ${read(password).word}`);
  }
});

test('a failing rule never reads "good" or "strong"', () => {
  for (const password of ['', 'abc', 'abcdefgh', 'ABCDEFGH1', 'Password123', 'a'.repeat(200)]) {
    assert.ok(['too weak', 'weak', 'not yet'].includes(read(password).word), password);
  }
  assert.is(read('Alice12345x', 'alice@example.com').word === 'good', false, 'email name');
});

test.run();
