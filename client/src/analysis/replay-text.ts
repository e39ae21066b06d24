/** A keydown of the export, as much as a replay needs. */
export interface ReplayKey {
  atMs: number;
  key: string;
  isError: boolean;
}

export interface ReplayChar {
  char: string;
  state: 'correct' | 'error' | 'pending';
}

/**
 * The text as it stood `atMs` into the session: characters appended, Backspace removing the
 * last (Ctrl/Alt+Backspace is not told apart in the export, so it counts as one). Each typed
 * character is marked by the error flag the capture gave it; the rest of the practice text
 * is pending. Linear in the keys, which is fine for a scrub of a few thousand.
 */
export function replayTextAt(keys: readonly ReplayKey[], practiceText: string, atMs: number): ReplayChar[] {
  const typed: ReplayChar[] = [];
  for (const key of keys) {
    if (key.atMs > atMs) break;
    if (key.key === 'Backspace') typed.pop();
    else if (key.key.length === 1) typed.push({ char: key.key, state: key.isError ? 'error' : 'correct' });
  }
  const rest = Array.from(practiceText.slice(typed.length), (char) => ({ char, state: 'pending' as const }));
  return [...typed, ...rest];
}
