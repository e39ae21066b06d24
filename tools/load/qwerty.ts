/** The physical key (KeyboardEvent.code) of each character on a US QWERTY keyboard. */
const SHIFTED: Record<string, string> = { '!': '1', '@': '2', '#': '3', $: '4', '%': '5', '^': '6', '&': '7', '*': '8', '(': '9', ')': '0', '_': '-', '+': '=', '?': '/', ':': ';', '"': "'", '<': ',', '>': '.', '{': '[', '}': ']', '|': '\\', '~': '`' };
const PUNCTUATION: Record<string, string> = { ' ': 'Space', '.': 'Period', ',': 'Comma', ';': 'Semicolon', "'": 'Quote', '/': 'Slash', '-': 'Minus', '=': 'Equal', '[': 'BracketLeft', ']': 'BracketRight', '\\': 'Backslash', '`': 'Backquote', '\n': 'Enter' };

export function codeOf(char: string): string | undefined {
  const base = SHIFTED[char] ?? char.toLowerCase();
  if (/^[a-z]$/.test(base)) return `Key${base.toUpperCase()}`;
  if (/^[0-9]$/.test(base)) return `Digit${base}`;
  return PUNCTUATION[base];
}

export function needsShift(char: string): boolean {
  return char in SHIFTED || (char !== char.toLowerCase() && /[A-Z]/.test(char));
}

// Keys around each letter: the wrong key a typist actually hits.
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
export function neighbourOf(char: string, pick: (items: string[]) => string): string {
  const lower = char.toLowerCase();
  for (let r = 0; r < ROWS.length; r++) {
    const c = ROWS[r]!.indexOf(lower);
    if (c < 0) continue;
    const around = [ROWS[r]![c - 1], ROWS[r]![c + 1], ROWS[r - 1]?.[c], ROWS[r + 1]?.[c]].filter((x): x is string => Boolean(x));
    return pick(around);
  }
  return pick(['e', 'a', 'o']);
}
