/**
 * The measures the analysis pages show, each in one line (under the charts and cards) and a
 * little more on the glossary page (/glossary#id). The exact definitions are
 * shared/metrics/METRICS.md; these are the words a typist reads.
 */
export interface GlossaryEntry {
  id: string;
  term: string;
  unit: string;
  line: string;
  more: string;
}

export const GLOSSARY = [
  { id: 'wpm', term: 'wpm (speed)', unit: 'words per minute', line: 'Correct characters per minute divided by 5 (a "word" is 5 characters).', more: 'Raw wpm counts every character typed, right or wrong; wpm (productive) counts only those that stayed correct. cpm is characters per minute.' },
  { id: 'accuracy', term: 'accuracy', unit: '%', line: 'Share of keystrokes that were right the first time they were struck.', more: 'A corrected mistake still counts against accuracy: the wrong key was pressed.' },
  { id: 'consistency', term: 'consistency', unit: '0–100', line: 'How even your speed is from second to second: 100 is perfectly steady.', more: 'Computed from the coefficient of variation of the per-second speed (key consistency: of the times between keys). Bursts and pauses lower it.' },
  { id: 'dwell', term: 'dwell (hold time)', unit: 'ms', line: 'How long a key is held down, from its keydown to its keyup.', more: 'Long dwells slow the next key on the same finger. Typical values are 70–120 ms.' },
  { id: 'flight', term: 'flight', unit: 'ms, can be negative', line: 'From releasing one key to pressing the next; negative when the next key goes down before the previous one is released.', more: 'A negative flight is not an error: it is rollover, what fast typists do. "flight −11 ms" means the next key was pressed 11 ms before the previous one came up.' },
  { id: 'transition', term: 'transition', unit: 'ms', line: 'From pressing one key to pressing the next (keydown to keydown): the time each key costs.', more: 'Speed is the inverse of transition time: 120 ms a key is 100 wpm. Per finger and per letter pair it shows where the time goes.' },
  { id: 'rollover', term: 'rollover', unit: '% of keystrokes', line: 'Share of keystrokes pressed before the previous key was released (flight below zero).', more: 'Rollover lets keys overlap instead of queueing; a higher rollover usually comes with higher speed.' },
  { id: 'errors', term: 'errors', unit: 'per second', line: 'Keystrokes that did not match the text, counted in the second they were struck.', more: 'Errors include those you corrected afterwards.' },
  { id: 'confidence', term: 'key confidence', unit: 'target = 1', line: 'Your smoothed time for a letter measured against the target speed: 1 means at target.', more: 'Each session\'s mean transition time for the letter is smoothed over your sessions (recent ones weigh more). Above 1 is faster than the target.' },
  { id: 'fatigue', term: 'fatigue', unit: 'wpm and % per window', line: 'Speed and accuracy in consecutive windows of a session: a falling line is tiredness.', more: 'The window length is shown on the chart; the slope is the change per minute.' },
] as const satisfies readonly GlossaryEntry[];

export type GlossaryId = (typeof GLOSSARY)[number]['id'];

export function glossaryEntry(id: GlossaryId): GlossaryEntry {
  return GLOSSARY.find((e) => e.id === id)!;
}
