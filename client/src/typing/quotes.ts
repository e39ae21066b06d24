/** Quotes for the quote mode: public-domain lines, plain ASCII so every layout can type them. */
export const QUOTES: readonly { text: string; source: string }[] = [
  { text: 'The only way to do great work is to love what you do, and to keep at it when it is hard.', source: 'after Seneca' },
  { text: 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.', source: 'Charles Dickens' },
  { text: 'Whatever you can do, or dream you can, begin it. Boldness has genius, power, and magic in it.', source: 'after Goethe' },
  { text: 'Call me Ishmael. Some years ago, never mind how long precisely, having little or no money in my purse, I thought I would sail about a little.', source: 'Herman Melville' },
  { text: 'We are what we repeatedly do. Excellence, then, is not an act, but a habit.', source: 'Will Durant' },
  { text: 'Happy families are all alike; every unhappy family is unhappy in its own way.', source: 'Leo Tolstoy' },
  { text: 'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.', source: 'Jane Austen' },
  { text: 'The woods are lovely, dark and deep, but I have promises to keep, and miles to go before I sleep.', source: 'Robert Frost' },
  { text: 'Two roads diverged in a wood, and I took the one less traveled by, and that has made all the difference.', source: 'Robert Frost' },
  { text: 'In the middle of difficulty lies opportunity. Slow practice is the fastest way to get faster.', source: 'proverb' },
];
