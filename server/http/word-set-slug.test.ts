import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { slugForName } from './word-set-slug.ts';

const VALID = /^[a-z0-9][a-z0-9-]{0,63}$/;

test('a plain name becomes lowercase words joined by dashes', () => {
  assert.is(slugForName('My Words'), 'my-words');
  assert.is(slugForName('  --Rust & Go: keywords!--  '), 'rust-go-keywords');
  assert.is(slugForName('Café Crème 2'), 'cafe-creme-2');
});

test('names that differ only in case, spacing or punctuation share a slug (and so conflict)', () => {
  assert.is(slugForName('my words!'), slugForName('My  Words'));
});

test('names without an ASCII spelling still get a valid slug, different per name', () => {
  const russian = slugForName('Русский 100');
  const greek = slugForName('Ελληνικά 100');
  assert.match(russian, VALID);
  assert.match(greek, VALID);
  assert.is.not(russian, greek);
  assert.match(slugForName('日本語'), /^[0-9a-f]{8}$/);
  assert.match(slugForName('🙂'), VALID);
});

test('long names are cut to 64 characters and kept apart by a hash', () => {
  const a = slugForName(`${'long '.repeat(20)}one`);
  const b = slugForName(`${'long '.repeat(20)}two`);
  for (const slug of [a, b]) {
    assert.ok(slug.length <= 64, slug);
    assert.match(slug, VALID);
  }
  assert.is.not(a, b);
});

test.run();
