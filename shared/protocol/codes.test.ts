import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLOSE_CODES, ERROR_CODES, closeCodeFor, isErrorCode, shouldReconnect } from './codes.ts';

test('close codes 4000-4099 reconnect, 4100-4199 do not', () => {
  for (const [name, code] of Object.entries(CLOSE_CODES)) {
    const transient = code >= 4000 && code <= 4099;
    assert.ok(transient || (code >= 4100 && code <= 4199), `${name} outside both ranges`);
    assert.is(shouldReconnect(code), transient, name);
  }
  assert.is(CLOSE_CODES.SERVER_SHUTDOWN, 4000);
  assert.is(CLOSE_CODES.IDLE_TIMEOUT, 4004);
  assert.is(CLOSE_CODES.UNSUPPORTED_VERSION, 4100);
  assert.is(CLOSE_CODES.UNKNOWN_SESSION, 4111);
});

test('standard close codes: normal stops, drops and restarts reconnect', () => {
  assert.is(shouldReconnect(1000), false);
  for (const code of [1001, 1005, 1006, 1011, 1012, 1013]) assert.is(shouldReconnect(code), true, String(code));
  for (const code of [1002, 1003, 1007, 1008, 1009, 3000, 4200, 0]) assert.is(shouldReconnect(code), false, String(code));
});

test('close codes are named after error codes, so an error and its close agree', () => {
  for (const name of Object.keys(CLOSE_CODES)) assert.ok(isErrorCode(name), name);
  assert.is(closeCodeFor('SEQUENCE_GAP'), 4107);
  assert.is(closeCodeFor('INTERNAL_ERROR'), 1011);
  for (const code of Object.keys(ERROR_CODES)) assert.ok(isErrorCode(code) && closeCodeFor(code) > 999, code);
});

test('error codes are stable uppercase identifiers with a meaning', () => {
  for (const [code, meaning] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^[A-Z][A-Z0-9_]*$/);
    assert.ok(meaning.length > 10, code);
  }
  assert.is(isErrorCode('toString'), false);
});

test.run();
