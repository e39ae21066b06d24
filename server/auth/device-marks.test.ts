import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSecretKey } from 'node:crypto';
import { DeviceMarks } from './device-marks.ts';

const marks = new DeviceMarks(createSecretKey(Buffer.alloc(32, 7)));

test('a mark is recognised for its account only', () => {
  const mark = marks.markFor(undefined, 'user-a');
  const id = marks.recognise(mark, 'user-a');
  assert.ok(id);
  assert.is(marks.recognise(mark, 'user-b'), undefined);
  assert.is(marks.recognise(`${id}.forged`, 'user-a'), undefined);
  assert.is(marks.recognise(undefined, 'user-a'), undefined);
});

test('signing in again keeps the device id; another account gets a new one', () => {
  const mark = marks.markFor(undefined, 'user-a');
  assert.is(marks.markFor(mark, 'user-a'), mark);
  const other = marks.markFor(mark, 'user-b');
  assert.is.not(marks.recognise(other, 'user-b'), marks.recognise(mark, 'user-a'));
});

test.run();
