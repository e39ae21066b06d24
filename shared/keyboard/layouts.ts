import type { KeyboardLayout } from '../practice/options.ts';

/**
 * What each physical key (KeyboardEvent.code) types in each layout, unshifted and shifted.
 * Fingers never depend on this (they follow the physical key, shared/metrics/fingers.ts);
 * the layout only labels the virtual keyboard and finds the key that types a character.
 *
 * Rows are written as strings over these codes, left to right; "\0" marks a key the layout
 * lacks (IntlBackslash exists on ISO boards only).
 */
const CODES = {
  number: ['Backquote', 'Digit1', 'Digit2', 'Digit3', 'Digit4', 'Digit5', 'Digit6', 'Digit7', 'Digit8', 'Digit9', 'Digit0', 'Minus', 'Equal'],
  top: ['KeyQ', 'KeyW', 'KeyE', 'KeyR', 'KeyT', 'KeyY', 'KeyU', 'KeyI', 'KeyO', 'KeyP', 'BracketLeft', 'BracketRight', 'Backslash'],
  home: ['KeyA', 'KeyS', 'KeyD', 'KeyF', 'KeyG', 'KeyH', 'KeyJ', 'KeyK', 'KeyL', 'Semicolon', 'Quote'],
  bottom: ['IntlBackslash', 'KeyZ', 'KeyX', 'KeyC', 'KeyV', 'KeyB', 'KeyN', 'KeyM', 'Comma', 'Period', 'Slash'],
} as const;

type RowStrings = readonly [number: string, top: string, home: string, bottom: string];

interface LayoutSpec {
  name: string;
  /** ISO boards have the extra key left of Z. */
  iso: boolean;
  base: RowStrings;
  shift: RowStrings;
}

const US_NUMBER = ['`1234567890-=', '~!@#$%^&*()_+'] as const;

const SPECS: Record<KeyboardLayout, LayoutSpec> = {
  'qwerty-us': {
    name: 'QWERTY (US)', iso: false,
    base: [US_NUMBER[0], 'qwertyuiop[]\\', "asdfghjkl;'", '\0zxcvbnm,./'],
    shift: [US_NUMBER[1], 'QWERTYUIOP{}|', 'ASDFGHJKL:"', '\0ZXCVBNM<>?'],
  },
  'qwerty-uk': {
    name: 'QWERTY (UK)', iso: true,
    base: ['`1234567890-=', 'qwertyuiop[]#', "asdfghjkl;'", '\\zxcvbnm,./'],
    shift: ['¬!"£$%^&*()_+', 'QWERTYUIOP{}~', 'ASDFGHJKL:@', '|ZXCVBNM<>?'],
  },
  qwertz: {
    name: 'QWERTZ (German)', iso: true,
    base: ['^1234567890ß´', 'qwertzuiopü+#', 'asdfghjklöä', '<yxcvbnm,.-'],
    shift: ['°!"§$%&/()=?`', "QWERTZUIOPÜ*'", 'ASDFGHJKLÖÄ', '>YXCVBNM;:_'],
  },
  azerty: {
    name: 'AZERTY (French)', iso: true,
    base: ['²&é"\'(-è_çà)=', 'azertyuiop^$*', 'qsdfghjklmù', '<wxcvbn,;:!'],
    shift: ['\0' + '1234567890°+', 'AZERTYUIOP¨£µ', 'QSDFGHJKLM%', '>WXCVBN?./§'],
  },
  dvorak: {
    name: 'Dvorak', iso: false,
    base: ['`1234567890[]', "',.pyfgcrl/=\\", 'aoeuidhtns-', '\0;qjkxbmwvz'],
    shift: ['~!@#$%^&*(){}', '"<>PYFGCRL?+|', 'AOEUIDHTNS_', '\0:QJKXBMWVZ'],
  },
  colemak: {
    name: 'Colemak', iso: false,
    base: [US_NUMBER[0], 'qwfpgjluy;[]\\', "arstdhneio'", '\0zxcvbkm,./'],
    shift: [US_NUMBER[1], 'QWFPGJLUY:{}|', 'ARSTDHNEIO"', '\0ZXCVBKM<>?'],
  },
  'colemak-dh': {
    name: 'Colemak-DH', iso: false,
    base: [US_NUMBER[0], 'qwfpbjluy;[]\\', "arstgmneio'", '\0zxcdvkh,./'],
    shift: [US_NUMBER[1], 'QWFPBJLUY:{}|', 'ARSTGMNEIO"', '\0ZXCDVKH<>?'],
  },
  workman: {
    name: 'Workman', iso: false,
    base: [US_NUMBER[0], 'qdrwbjfup;[]\\', "ashtgyneoi'", '\0zxmcvkl,./'],
    shift: [US_NUMBER[1], 'QDRWBJFUP:{}|', 'ASHTGYNEOI"', '\0ZXMCVKL<>?'],
  },
};

export interface KeyLabel {
  base: string;
  shift: string;
}

export interface Layout {
  id: KeyboardLayout;
  name: string;
  iso: boolean;
  /** Labels by code; codes the layout lacks are absent. */
  labels: ReadonlyMap<string, KeyLabel>;
}

const cache = new Map<KeyboardLayout, Layout>();

export function layoutOf(id: KeyboardLayout): Layout {
  let layout = cache.get(id);
  if (!layout) cache.set(id, (layout = build(id, SPECS[id] ?? SPECS['qwerty-us'])));
  return layout;
}

export const LAYOUT_NAMES: readonly { id: KeyboardLayout; name: string }[] = (Object.keys(SPECS) as KeyboardLayout[]).map((id) => ({ id, name: SPECS[id].name }));

function build(id: KeyboardLayout, spec: LayoutSpec): Layout {
  const labels = new Map<string, KeyLabel>();
  const rows = [CODES.number, CODES.top, CODES.home, CODES.bottom];
  rows.forEach((codes, r) => {
    const base = Array.from(spec.base[r]!);
    const shift = Array.from(spec.shift[r]!);
    codes.forEach((code, i) => {
      const b = base[i] ?? '\0';
      if (b === '\0') return;
      const s = shift[i] ?? '\0';
      labels.set(code, { base: b, shift: s === '\0' ? '' : s });
    });
  });
  labels.set('Space', { base: ' ', shift: ' ' });
  return { id, name: spec.name, iso: spec.iso, labels };
}
