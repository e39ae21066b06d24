import type { SeededRandom } from '../../protocol/testing/seeded-random.ts';
import type { StreamProfile } from './stream-profile.ts';
import { wordActions } from './word-typist.ts';

/** A key event as the simulated typist produces it: time in microseconds, capture order n. */
export interface Captured {
  t: number;
  n: number;
  type: 0 | 1;
  code?: string;
  key: string;
  textPos: number;
  isError: boolean;
  flags: number;
}

const SHIFT = 2;
const CTRL = 4;
const ALT = 8;
const REPEAT = 1;
const COMPOSING = 64;
const NAMED: Record<string, string> = {
  ' ': 'Space', ',': 'Comma', '.': 'Period', ';': 'Semicolon', "'": 'Quote', '@': 'Digit2', 'é': 'KeyE', 'ß': 'Minus',
  Backspace: 'Backspace', Enter: 'Enter', Tab: 'Tab', ArrowLeft: 'ArrowLeft', Shift: 'ShiftLeft', Process: 'KeyA',
};

/** The physical key for a character on a US keyboard; off-map characters get an unknown code. */
export function codeFor(key: string): string {
  if (/^[a-zA-Z]$/.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  return NAMED[key] ?? 'Unidentified';
}

function lognormal(rng: SeededRandom, mean: number): number {
  const sigma = 0.5;
  const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
}

/** A typist working through `text`, one press at a time, in microseconds. */
export function capturedKeys(rng: SeededRandom, profile: StreamProfile, text: string): Captured[] {
  const out: Captured[] = [];
  let t = 0;
  const emit = (at: number, type: 0 | 1, key: string, textPos: number, isError: boolean, flags: number, code?: string) =>
    out.push({ t: at, n: out.length, type, key, textPos, isError, flags, ...(code ? { code } : {}) });
  const keyup = (at: number, key: string, flags: number, code?: string) => {
    if (rng.next() >= profile.lostKeyupRate) emit(at, 1, key, -1, false, flags & ~REPEAT, code);
  };

  const press = (key: string, textPos: number, isError: boolean, extraFlags = 0, code?: string) => {
    t += lognormal(rng, profile.meanIntervalMs) * 1000;
    const shifted = /^[A-Z@]$/.test(key);
    const flags = extraFlags | (shifted ? SHIFT : 0);
    let dwell = lognormal(rng, profile.meanDwellMs) * 1000;
    if (shifted) emit(t - (5 + rng.below(60)) * 1000, 0, 'Shift', -1, false, SHIFT);
    emit(t, 0, key, textPos, isError, flags, code);
    if (rng.next() < profile.repeatRate) {
      dwell = 520_000 + rng.below(400_000);
      for (let r = t + 500_000; r < t + dwell; r += 33_000) emit(r, 0, key, textPos, isError, flags | REPEAT, code);
    }
    keyup(t + dwell, key, flags, code);
    if (shifted) keyup(t + dwell + (rng.below(80) - 20) * 1000, 'Shift', SHIFT);
  };

  const extraKey = () => {
    switch (rng.below(7)) {
      case 0: return press('Enter', -1, false);
      case 1: return press('ArrowLeft', -1, false);
      case 2: // a shortcut: Ctrl+C types nothing
        emit(t + 1000, 0, 'Control', -1, false, CTRL, 'ControlLeft');
        press('c', -1, false, CTRL);
        return keyup(t + 150_000, 'Control', CTRL, 'ControlLeft');
      case 3: return press(rng.pick(['Process', 'a']), -1, false, COMPOSING, 'KeyA');
      case 4: // AltGr: Ctrl+Alt does type a character
        emit(t + 1000, 0, 'AltGraph', -1, false, CTRL | ALT, 'AltRight');
        press('€', -1, false, CTRL | ALT, 'KeyE');
        return keyup(t + 120_000, 'AltGraph', CTRL | ALT, 'AltRight');
      case 5: return press('Tab', -1, false);
      default: // CapsLock tapped twice
        press('CapsLock', -1, false, 0, 'CapsLock');
        return press('CapsLock', -1, false, 32, 'CapsLock');
    }
  };

  if (profile.textMode === 'words') {
    for (const a of wordActions(rng, text, profile.errorRate * 4)) {
      if (rng.next() < profile.extraKeyRate) extraKey();
      press(a.key, a.textPos, a.isError, (a.repeat ? REPEAT : 0) | (a.ctrl ? CTRL : 0));
    }
    return out;
  }
  const chars = Array.from(text).slice(0, profile.characters);
  chars.forEach((ch, pos) => {
    const textPos = profile.textMode === 'zen' ? -1 : pos;
    if (rng.next() < profile.extraKeyRate) extraKey();
    if (rng.next() < profile.errorRate) {
      const wrong = rng.pick([...'abcdefghijklmnopqrstuvwxyzQ;'].filter((c) => c !== ch));
      press(wrong, textPos, true);
      if (rng.next() >= profile.correctionRate) return;
      press('Backspace', textPos, false);
    }
    press(ch, textPos, false);
  });
  const end = t;
  for (let i = 0; i < chars.length; i++) {
    if (rng.next() < profile.orphanKeyupRate) emit(rng.next() * end, 1, rng.pick(['a', 'e', 'Shift', ' ']), -1, false, 0);
  }
  return out;
}
