import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CopyTextBuffer } from './copy-text.ts';

const text = (b: CopyTextBuffer) => new TextDecoder().decode(b.view());

test('integers, booleans and row separators', () => {
  const b = new CopyTextBuffer(4);
  b.int(0).tab().int(7).tab().int(-1).tab().int(1234567890123).tab().bool(true).tab().bool(false).endRow();
  assert.is(text(b), '0\t7\t-1\t1234567890123\tt\tf\n');
});

test('text is escaped so that COPY reads back exactly what was typed', () => {
  const b = new CopyTextBuffer(2);
  b.text('a\\b').tab().text('\t').tab().text('\n\r').tab().text('\u0001').tab().text('').endRow();
  assert.is(text(b), 'a\\\\b\t\\t\t\\n\\r\t\\001\t\n');
});

test('non-ASCII keys survive as UTF-8', () => {
  const b = new CopyTextBuffer(1);
  b.text('é').tab().text('ß\\').tab().text('😀x').endRow();
  assert.is(text(b), 'é\tß\\\\\t😀x\n');
});

test('reset reuses the buffer', () => {
  const b = new CopyTextBuffer();
  b.text('abc').endRow();
  b.reset();
  b.text('d').endRow();
  assert.is(text(b), 'd\n');
});

test.run();
