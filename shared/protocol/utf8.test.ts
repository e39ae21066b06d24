import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { isValidUtf8 } from './utf8.ts';
import { scanFrame } from './frame-scan.ts';
import { DEFAULT_DECODE_LIMITS } from './limits.ts';

const valid = (bytes: number[]) => isValidUtf8(Uint8Array.from(bytes), 0, bytes.length);

test('strict UTF-8: what TextEncoder writes passes; broken sequences do not', () => {
  for (const text of ['', 'KeyA', 'é', 'ß€', '日本', '😀', '\uFFFD']) {
    const bytes = new TextEncoder().encode(text);
    assert.ok(isValidUtf8(bytes, 0, bytes.length), text);
  }
  assert.not.ok(valid([0xff]), 'never a lead byte');
  assert.not.ok(valid([0xc3]), 'truncated');
  assert.not.ok(valid([0xc0, 0xaf]), 'overlong');
  assert.not.ok(valid([0xed, 0xa0, 0x80]), 'a surrogate');
  assert.not.ok(valid([0xf4, 0x90, 0x80, 0x80]), 'past U+10FFFF');
  assert.not.ok(valid([0xe2, 0x28, 0xa1]), 'bad continuation');
});

test('the frame scan refuses a str with invalid UTF-8 as MALFORMED_FRAME', () => {
  const frame = new Packr({ useRecords: false }).pack({ t: 1, v: 1, sessionId: '0b7f2c1e-4a5d-4c3b-9e8f-1a2b3c4d5e6f', lastAckedSeq: 0, client: 'abc' });
  assert.ok(scanFrame(frame, DEFAULT_DECODE_LIMITS).ok);
  const at = frame.lastIndexOf(0x61); // "a" of "abc"
  const broken = Uint8Array.from(frame);
  broken[at] = 0xff;
  const result = scanFrame(broken, DEFAULT_DECODE_LIMITS);
  assert.equal(result, { ok: false, code: 'MALFORMED_FRAME', message: 'a string is not valid UTF-8' });
});

test.run();
