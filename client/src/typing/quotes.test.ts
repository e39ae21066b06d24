import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pickQuote, QUOTES, quoteLengthOf, quoteSource } from './quotes.ts';

test('at least 200 quotes, each attributed, in plain ASCII, none twice, single spaces', () => {
  assert.ok(QUOTES.length >= 200, `${QUOTES.length} quotes`);
  for (const q of QUOTES) {
    assert.ok(q.source.trim().length > 0, q.text);
    assert.ok(/^[\x20-\x7e]+$/.test(q.text), `typeable on every layout: ${q.text}`);
    assert.ok(!q.text.includes('  ') && q.text.trim() === q.text, q.text);
  }
  assert.is(new Set(QUOTES.map((q) => q.text)).size, QUOTES.length);
});

test('every length has quotes to draw from, and the filter keeps to it', () => {
  for (const length of ['short', 'medium', 'long'] as const) {
    const count = QUOTES.filter((q) => quoteLengthOf(q.text) === length).length;
    assert.ok(count >= 15, `${count} ${length} quotes`);
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 30; i++) assert.is(quoteLengthOf(pickQuote(length, random).text), length);
  }
});

test('a quote names its source', () => {
  assert.is(quoteSource(QUOTES[0]!.text), QUOTES[0]!.source);
  assert.is(quoteSource('not a quote'), null);
});

test.run();
