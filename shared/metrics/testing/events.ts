import { fingerOf } from '../fingers.ts';
import type { StoredKeystroke } from '../keystroke.ts';

/**
 * Hand-written streams for tests: `down(code, key, ms, options)` and `up(code, ms)` in
 * capture order, numbered as one batch each of `perBatch` events.
 */
export interface KeyOptions {
  textPos?: number;
  isError?: boolean;
  flags?: number;
}

type Spec = { type: 0 | 1; code: string; key: string; ms: number } & KeyOptions;

export const down = (code: string, key: string, ms: number, options: KeyOptions = {}): Spec => ({ type: 0, code, key, ms, ...options });
export const up = (code: string, ms: number, key = ''): Spec => ({ type: 1, code, key, ms });

export function stream(specs: readonly Spec[], perBatch = 64): StoredKeystroke[] {
  return specs.map((s, i) => ({
    batchSeq: 1 + Math.floor(i / perBatch), batchIdx: i % perBatch, offsetUs: Math.round(s.ms * 1000), type: s.type,
    code: s.code, key: s.key, textPos: s.textPos ?? -1, finger: fingerOf(s.code), isError: s.isError ?? false, flags: s.flags ?? 0,
  }));
}
