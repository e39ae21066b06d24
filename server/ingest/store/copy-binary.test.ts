import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CopyBinaryBuffer, uuidField } from './copy-binary.ts';

function write(b: CopyBinaryBuffer): Uint8Array {
  b.reset();
  b.fieldCount(3).raw(uuidField('0b7f2c1e-4a5d-4c3b-9e8f-1a2b3c4d5e6f')).int32Field(-7);
  b.beginArray(20, 2, 12);
  b.int64(Number.MAX_SAFE_INTEGER);
  b.int64(0);
  const start = b.beginArray(25, 3, -1);
  for (const text of ['KeyA', 'é🙂', '']) b.text(text);
  b.endArray(start);
  return b.take();
}

test('a buffer that starts tiny grows and writes the same bytes as a large one', () => {
  const expected = write(new CopyBinaryBuffer(1 << 16));
  assert.equal(write(new CopyBinaryBuffer(1)), expected);
  assert.equal(write(new CopyBinaryBuffer(7)), expected);
});

test('fields are big-endian with their lengths: a uuid, an int4, an int8 array, a text array', () => {
  const bytes = write(new CopyBinaryBuffer());
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.is(view.getInt16(0), 3, 'field count');
  assert.is(view.getInt32(2), 16, 'uuid length');
  assert.is(bytes[6], 0x0b);
  assert.is(view.getInt32(22), 4);
  assert.is(view.getInt32(26), -7);
  assert.is(view.getInt32(30), 20 + 2 * 12, 'int8[] length');
  assert.equal([view.getInt32(34), view.getInt32(38), view.getInt32(42), view.getInt32(46), view.getInt32(50)], [1, 0, 20, 2, 1], 'dims, no nulls, int8, 2 elements, lower bound 1');
  assert.is(view.getInt32(54), 8);
  assert.is(view.getInt32(58) * 2 ** 32 + view.getUint32(62), Number.MAX_SAFE_INTEGER);
  const textStart = 78;
  const utf8 = new TextEncoder().encode('é🙂');
  assert.is(view.getInt32(textStart), 20 + (4 + 4) + (4 + utf8.length) + 4, 'text[] length filled in by endArray');
  assert.is(bytes.byteLength, textStart + 4 + view.getInt32(textStart));
});

test('a session id that is not a uuid is refused', () => {
  assert.throws(() => uuidField("x'); DROP TABLE keystrokes; --"), /not a uuid/);
});

test.run();
