import { SeededRandom } from '../../protocol/testing/seeded-random.ts';
import { fingerOf } from '../fingers.ts';
import type { StoredKeystroke } from '../keystroke.ts';
import { capturedKeys, codeFor, type Captured } from './typing-keys.ts';
import type { StreamProfile } from './stream-profile.ts';

export type { StreamProfile } from './stream-profile.ts';

/**
 * Random typing sessions, deterministic per seed, with every awkward case the analytics
 * must survive: rollover, auto-repeat, errors corrected with Backspace or left, Shift and
 * AltGr chords, shortcuts, IME composition, lost keyups, keyups without keydowns, ties in
 * time, batches stored out of time order, text positions past the text, empty sessions.
 */

export const REALISTIC: StreamProfile = {
  characters: 400, textMode: 'text', meanIntervalMs: 200, meanDwellMs: 100, errorRate: 0.04, correctionRate: 0.8,
  repeatRate: 0.002, lostKeyupRate: 0.001, orphanKeyupRate: 0.001, reorderRate: 0, extraKeyRate: 0.01, quantumUs: 1, maxBatch: 64,
};

/** A profile drawn at random, leaning towards the awkward. */
export function randomProfile(rng: SeededRandom): StreamProfile {
  const sizes = [0, 1, 2, 3, 5, 20, 60, 150, 400];
  return {
    characters: rng.pick(sizes) + rng.below(5),
    textMode: rng.pick(['text', 'text', 'zen', 'overrun', 'words', 'words'] as const),
    meanIntervalMs: rng.pick([60, 150, 250, 600]),
    meanDwellMs: rng.pick([40, 100, 180]),
    errorRate: rng.pick([0, 0.05, 0.2]),
    correctionRate: rng.pick([0, 0.5, 1]),
    repeatRate: rng.pick([0, 0.02, 0.1]),
    lostKeyupRate: rng.pick([0, 0.03, 0.2]),
    orphanKeyupRate: rng.pick([0, 0.03]),
    reorderRate: rng.pick([0, 0.05, 0.3]),
    extraKeyRate: rng.pick([0, 0.05, 0.15]),
    quantumUs: rng.pick([1, 100, 1000, 16_000]),
    maxBatch: rng.pick([1, 8, 64]),
  };
}

export interface GeneratedSession {
  practiceText: string;
  events: StoredKeystroke[];
}

export function generateSession(seed: number, profile: StreamProfile): GeneratedSession {
  const rng = new SeededRandom(seed);
  const text = practiceText(rng, Math.max(1, profile.characters));
  const captured = capturedKeys(rng, profile, text);
  const events = toStored(rng, profile, captured);
  const stored = profile.textMode === 'zen' ? '' : profile.textMode === 'overrun' ? text.slice(0, Math.floor(text.length / 2)) : text;
  return { practiceText: stored, events };
}

const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'typing', 'flow', 'Hello', 'World', 'zebra', 'Quartz'];
const ODD = ['é', 'ß', '😀', 'K', '@', '1', ',', '.', ';'];

function practiceText(rng: SeededRandom, length: number): string {
  const chars: string[] = [];
  while (chars.length < length) {
    if (chars.length > 0) chars.push(' ');
    const word = rng.below(12) === 0 ? rng.pick(ODD) : rng.pick(WORDS);
    chars.push(...word);
  }
  return chars.slice(0, length).join('');
}

/** Quantised offsets from the first keydown, batches, and some batches' events moved on. */
function toStored(rng: SeededRandom, profile: StreamProfile, captured: Captured[]): StoredKeystroke[] {
  const q = profile.quantumUs;
  const quantised = captured.map((c) => ({ ...c, t: Math.round(c.t / q) * q })).sort((a, b) => a.t - b.t || a.n - b.n);
  const origin = quantised.find((c) => c.type === 0)?.t ?? 0;
  const ordered = quantised.filter((c) => c.t >= origin);
  const batches: Captured[][] = [];
  for (let i = 0; i < ordered.length; ) {
    const size = 1 + rng.below(profile.maxBatch);
    batches.push(ordered.slice(i, i + size));
    i += size;
  }
  // Out-of-order arrival: an event held back and sent with a later batch.
  for (let b = 0; b + 1 < batches.length; b++) {
    const batch = batches[b]!;
    for (let i = batch.length - 1; i >= 0; i--) {
      if (rng.next() < profile.reorderRate) batches[b + 1]!.push(...batch.splice(i, 1));
    }
  }
  const out: StoredKeystroke[] = [];
  let seq = 0;
  for (const batch of batches) {
    if (batch.length === 0) continue;
    seq++;
    batch.forEach((c, idx) => {
      const code = c.code ?? codeFor(c.key);
      out.push({ batchSeq: seq, batchIdx: idx, offsetUs: c.t - origin, type: c.type, code, key: c.key, textPos: c.textPos, finger: fingerOf(code), isError: c.isError, flags: c.flags });
    });
  }
  return out;
}
