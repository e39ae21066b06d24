/**
 * How strict the engine is, chosen by the typist (as Monkeytype's options):
 * - stopOn: 'off' errors are typed and the cursor moves on; 'letter' the cursor waits on a
 *   wrong letter until the right one comes; 'word' space does not leave a word that holds
 *   an error.
 * - backspaceInto: which earlier word Backspace may go back into: 'errors' only one that
 *   holds an error (Monkeytype's default), 'any' every word ("freedom"), 'none' never
 *   ("confidence").
 */
export type StopOn = 'off' | 'letter' | 'word';
export type BackspaceInto = 'errors' | 'any' | 'none';

export interface TypingRules {
  stopOn: StopOn;
  backspaceInto: BackspaceInto;
}

export const STOP_ON: readonly StopOn[] = ['off', 'letter', 'word'];
export const BACKSPACE_INTO: readonly BackspaceInto[] = ['errors', 'any', 'none'];
export const DEFAULT_RULES: TypingRules = { stopOn: 'off', backspaceInto: 'errors' };

/** Letters typed past a word's end are kept up to this many (Monkeytype keeps 20). */
export const MAX_EXTRA_LETTERS = 20;
