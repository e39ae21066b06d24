/**
 * The standard touch-typing finger map: which finger should strike each key
 * of the typing area of a US-ANSI or ISO keyboard, by `KeyboardEvent.code`
 * (the physical key, so the map holds for every layout: AZERTY's "A" key is
 * still code "KeyQ", struck by the left pinky).
 *
 * A code outside the map is UNKNOWN, never a guess: a wrong finger would
 * silently corrupt per-finger statistics.
 */

export const Finger = {
  LEFT_PINKY: 0,
  LEFT_RING: 1,
  LEFT_MIDDLE: 2,
  LEFT_INDEX: 3,
  LEFT_THUMB: 4,
  RIGHT_THUMB: 5,
  RIGHT_INDEX: 6,
  RIGHT_MIDDLE: 7,
  RIGHT_RING: 8,
  RIGHT_PINKY: 9,
  UNKNOWN: 10,
} as const;
export type FingerId = (typeof Finger)[keyof typeof Finger];

export type Hand = 'left' | 'right' | 'none';

export interface FingerInfo {
  id: FingerId;
  name: string;
  hand: Hand;
}

/** Indexed by FingerId. */
export const FINGERS: readonly FingerInfo[] = [
  { id: 0, name: 'left_pinky', hand: 'left' },
  { id: 1, name: 'left_ring', hand: 'left' },
  { id: 2, name: 'left_middle', hand: 'left' },
  { id: 3, name: 'left_index', hand: 'left' },
  { id: 4, name: 'left_thumb', hand: 'left' },
  { id: 5, name: 'right_thumb', hand: 'right' },
  { id: 6, name: 'right_index', hand: 'right' },
  { id: 7, name: 'right_middle', hand: 'right' },
  { id: 8, name: 'right_ring', hand: 'right' },
  { id: 9, name: 'right_pinky', hand: 'right' },
  { id: 10, name: 'unknown', hand: 'none' },
];

const { LEFT_PINKY: LP, LEFT_RING: LR, LEFT_MIDDLE: LM, LEFT_INDEX: LI, LEFT_THUMB: LT } = Finger;
const { RIGHT_THUMB: RT, RIGHT_INDEX: RI, RIGHT_MIDDLE: RM, RIGHT_RING: RR, RIGHT_PINKY: RP } = Finger;

export type KeyRow = 'number' | 'top' | 'home' | 'bottom' | 'space';

/**
 * Physical rows, left to right, with the finger for each key. ISO-only keys
 * sit where ISO puts them: IntlBackslash left of KeyZ; the ISO key left of
 * Enter reports code "Backslash", so it needs no entry of its own.
 * Space goes to the right thumb: the code cannot tell which thumb struck
 * it, and most typists use the thumb of their dominant (usually right) hand.
 */
const ROWS: Record<KeyRow, readonly (readonly [code: string, finger: FingerId])[]> = {
  number: [
    ['Backquote', LP], ['Digit1', LP], ['Digit2', LR], ['Digit3', LM], ['Digit4', LI], ['Digit5', LI],
    ['Digit6', RI], ['Digit7', RI], ['Digit8', RM], ['Digit9', RR], ['Digit0', RP], ['Minus', RP],
    ['Equal', RP], ['Backspace', RP],
  ],
  top: [
    ['Tab', LP], ['KeyQ', LP], ['KeyW', LR], ['KeyE', LM], ['KeyR', LI], ['KeyT', LI],
    ['KeyY', RI], ['KeyU', RI], ['KeyI', RM], ['KeyO', RR], ['KeyP', RP], ['BracketLeft', RP],
    ['BracketRight', RP], ['Backslash', RP],
  ],
  home: [
    ['CapsLock', LP], ['KeyA', LP], ['KeyS', LR], ['KeyD', LM], ['KeyF', LI], ['KeyG', LI],
    ['KeyH', RI], ['KeyJ', RI], ['KeyK', RM], ['KeyL', RR], ['Semicolon', RP], ['Quote', RP],
    ['Enter', RP],
  ],
  bottom: [
    ['ShiftLeft', LP], ['IntlBackslash', LP], ['KeyZ', LP], ['KeyX', LR], ['KeyC', LM], ['KeyV', LI],
    ['KeyB', LI], ['KeyN', RI], ['KeyM', RI], ['Comma', RM], ['Period', RR], ['Slash', RP],
    ['ShiftRight', RP],
  ],
  space: [
    ['ControlLeft', LP], ['MetaLeft', LT], ['AltLeft', LT], ['Space', RT], ['AltRight', RT],
    ['MetaRight', RT], ['ControlRight', RP],
  ],
};

/** Codes of each row, left to right, for keyboard heat maps. */
export const KEY_ROWS: Readonly<Record<KeyRow, readonly string[]>> = {
  number: ROWS.number.map(([code]) => code),
  top: ROWS.top.map(([code]) => code),
  home: ROWS.home.map(([code]) => code),
  bottom: ROWS.bottom.map(([code]) => code),
  space: ROWS.space.map(([code]) => code),
};

/** Where the fingers rest: a digraph leaving the home row costs a reach. */
export const HOME_KEYS: readonly string[] = ['KeyA', 'KeyS', 'KeyD', 'KeyF', 'KeyJ', 'KeyK', 'KeyL', 'Semicolon'];

const FINGER_BY_CODE: ReadonlyMap<string, FingerId> = new Map(
  Object.values(ROWS).flatMap((row) => row.map(([code, finger]) => [code, finger] as const)),
);
const ROW_BY_CODE: ReadonlyMap<string, KeyRow> = new Map(
  (Object.keys(ROWS) as KeyRow[]).flatMap((row) => ROWS[row].map(([code]) => [code, row] as const)),
);

/** The finger that should strike `code`, or Finger.UNKNOWN outside the typing area. */
export function fingerOf(code: string): FingerId {
  return FINGER_BY_CODE.get(code) ?? Finger.UNKNOWN;
}

export function handOf(code: string): Hand {
  return handOfFinger(fingerOf(code));
}

export function handOfFinger(finger: FingerId): Hand {
  return FINGERS[finger]?.hand ?? 'none';
}

export function rowOf(code: string): KeyRow | null {
  return ROW_BY_CODE.get(code) ?? null;
}

export type PairClass = 'same_finger' | 'same_hand' | 'cross_hand' | 'unknown';

/**
 * Class of the digraph codeA → codeB, the main driver of transition time
 * (cross-hand fastest, same finger slowest). A key repeated is same_finger.
 */
export function pairClass(codeA: string, codeB: string): PairClass {
  return pairClassOfFingers(fingerOf(codeA), fingerOf(codeB));
}

/**
 * The same class from the fingers stored with each keystroke (the analytics read the
 * stored finger, which the server assigned with fingerOf). A finger off the table is unknown.
 */
export function pairClassOfFingers(fingerA: number, fingerB: number): PairClass {
  const handA = handOfFinger(fingerA as FingerId);
  const handB = handOfFinger(fingerB as FingerId);
  if (handA === 'none' || handB === 'none') return 'unknown';
  if (fingerA === fingerB) return 'same_finger';
  return handA === handB ? 'same_hand' : 'cross_hand';
}
