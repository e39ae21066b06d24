import type { Page } from 'playwright-core';
import { keyFor } from '../../../shared/keyboard/next-key.ts';
import { SeededRandom } from '../../../shared/seeded-random.ts';

/** One key transition the test sent, in the order it was sent. */
export interface SentKey {
  type: 0 | 1;
  code: string;
  key: string;
}

interface Stroke {
  code: string;
  key: string;
  shift: boolean;
}

/** The US-layout key for a character, as the browser will report it (the client's own table). */
export function strokeFor(char: string): Stroke {
  const press = keyFor(char, 'qwerty-us');
  if (!press) throw new Error(`no test key for ${JSON.stringify(char)}`);
  return { code: press.code, key: char, shift: press.shiftCode !== null };
}

interface Timed {
  at: number;
  type: 0 | 1;
  code: string;
  key: string;
}

/**
 * Types `strokes` (characters, or "Backspace") with real key presses at about `wpm`: holds of
 * 50-110 ms, one key in four pressed before the previous one is released (rollover, as in
 * the published typing studies), Shift held around capitals. Returns every keydown/keyup
 * in the order sent.
 */
export async function typeStrokes(page: Page, strokes: readonly string[], wpm = 100, seed = 7): Promise<SentKey[]> {
  // Seeded, so every run types with the same rhythm.
  const rng = new SeededRandom(seed);
  const random = () => rng.next();
  const intervalMs = 60_000 / (wpm * 5);
  const timeline: Timed[] = [];
  let t = 0;
  let shiftHeld = false;
  let shiftReleaseAt = 0;
  const codeOf = (stroke: string | undefined) => (stroke === undefined ? null : stroke === 'Backspace' ? 'Backspace' : strokeFor(stroke).code);
  strokes.forEach((stroke, i) => {
    const s = stroke === 'Backspace' ? { code: 'Backspace', key: 'Backspace', shift: false } : strokeFor(stroke);
    // Rollover: the next key goes down before this one comes up. Never for the same key
    // twice, which the browser would report as an auto-repeat.
    const gap = intervalMs * (0.8 + random() * 0.4);
    const overlap = random() < 0.25 && codeOf(strokes[i + 1]) !== s.code;
    // A key is up again before the next press unless this is a rollover: a key pressed while
    // it is still down is what the browser reports as an auto-repeat, not a new keystroke.
    const hold = overlap ? gap + 15 + random() * 20 : Math.min(50 + random() * 60, gap - 10);
    if (s.shift && !shiftHeld) timeline.push({ at: t - 25, type: 0, code: 'ShiftLeft', key: 'Shift' });
    if (!s.shift && shiftHeld) timeline.push({ at: Math.min(shiftReleaseAt, t - 5), type: 1, code: 'ShiftLeft', key: 'Shift' });
    shiftHeld = s.shift;
    if (s.shift) shiftReleaseAt = t + hold + 10;
    timeline.push({ at: t, type: 0, code: s.code, key: s.key });
    timeline.push({ at: t + hold, type: 1, code: s.code, key: s.key });
    t += gap;
  });
  if (shiftHeld) timeline.push({ at: shiftReleaseAt, type: 1, code: 'ShiftLeft', key: 'Shift' });
  timeline.sort((a, b) => a.at - b.at);

  const sent: SentKey[] = [];
  const down = new Set<string>();
  const start = performance.now() - (timeline[0]?.at ?? 0);
  for (const event of timeline) {
    if (event.type === 0 && down.has(event.code)) throw new Error(`typist bug: ${event.code} pressed while down`);
    if (event.type === 0) down.add(event.code);
    else down.delete(event.code);
    const wait = start + event.at - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (event.type === 0) await page.keyboard.down(event.code);
    else await page.keyboard.up(event.code);
    sent.push({ type: event.type, code: event.code, key: event.key });
  }
  return sent;
}
