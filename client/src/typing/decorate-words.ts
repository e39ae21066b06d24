/** Punctuation and numbers mixed into random words, as Monkeytype's options do. */
export interface WordDecoration {
  punctuation: boolean;
  numbers: boolean;
}

const ENDINGS = ['.', '.', '.', ',', ',', ',', '?', '!', ';', ':'];

/**
 * Words with, now and then, a number in place of a word (one word in eight: 1 to 4 digits),
 * and punctuation as in prose: a sentence starts with a capital and ends with . ? or !,
 * commas and other marks follow words, sometimes a word is quoted or in parentheses, and
 * a hyphen joins two words. The result is still words separated by single spaces.
 */
export function decorateWords(words: readonly string[], options: WordDecoration, random: () => number): string[] {
  const out: string[] = [];
  let sentenceStart = true;
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    if (options.numbers && random() < 0.125) word = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 4))));
    if (!options.punctuation) {
      out.push(word);
      continue;
    }
    if (sentenceStart && /^[a-z]/.test(word)) word = word[0]!.toUpperCase() + word.slice(1);
    sentenceStart = false;
    const roll = random();
    if (roll < 0.03) word = `"${word}"`;
    else if (roll < 0.05) word = `(${word})`;
    else if (roll < 0.07 && i + 1 < words.length) word = `${word}-`;
    const last = i === words.length - 1;
    if (last) word += '.';
    else if (!word.endsWith('-') && random() < 0.18) {
      const ending = ENDINGS[Math.floor(random() * ENDINGS.length)]!;
      word += ending;
      sentenceStart = ending === '.' || ending === '?' || ending === '!';
    }
    out.push(word);
  }
  // A hyphen joins its word to the next one: "well- known" becomes "well-known".
  return out.join(' ').replaceAll('- ', '-').split(' ');
}
