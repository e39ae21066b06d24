import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decorateWords } from './decorate-words.ts';
import { practiceText } from './practice-text.ts';

const seeded = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const WORDS = Array.from({ length: 400 }, (_, i) => ['time', 'work', 'hand', 'word', 'place'][i % 5]!);

test('numbers: about one word in eight becomes 1 to 4 digits', () => {
  const out = decorateWords(WORDS, { punctuation: false, numbers: true }, seeded(3));
  const numbers = out.filter((w) => /^\d{1,4}$/.test(w)).length;
  assert.ok(numbers > 25 && numbers < 80, `${numbers} numbers in 400 words`);
  assert.ok(out.every((w) => /^(\d{1,4}|[a-z]+)$/.test(w)));
});

test('punctuation: sentences start with a capital and the text ends with a full stop', () => {
  const out = decorateWords(WORDS, { punctuation: true, numbers: false }, seeded(5));
  const text = out.join(' ');
  assert.match(text, /^["(]?[A-Z]/);
  assert.ok(text.endsWith('.'));
  assert.ok(/[,.?!;:]/.test(text.slice(0, -1)), 'marks inside the text');
  for (const m of text.matchAll(/[.?!] (\S)/g)) assert.match(m[1]!, /[A-Z"(0-9]/, `a capital after a full stop: ${m[0]}`);
});

test('the practice text keeps single spaces and the storable length', () => {
  const text = practiceText({ mode: 'timed', duration: 300, wordCount: 0, words: [], customText: '', decoration: { punctuation: true, numbers: true }, random: seeded(9) });
  assert.ok(!text.includes('  '));
  assert.ok(text.length <= 20_000);
});

test.run();
