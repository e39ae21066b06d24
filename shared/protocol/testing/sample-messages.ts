/** One valid message of every type, and key events, for protocol tests. */
import { KeyFlags, type KeyEvent } from '../key-event.ts';
import type { Message } from '../messages.ts';
import { PROTOCOL_VERSION } from '../version.ts';

export const SESSION_ID = '0b7f2c1e-4a5d-4c3b-9e8f-1a2b3c4d5e6f';

const CODES = ['KeyA', 'KeyS', 'ShiftLeft', 'Space', 'Backspace', 'Digit7', 'Semicolon', 'IntlBackslash'];
const KEYS = ['a', 'S', 'Shift', ' ', 'Backspace', '/', 'ö', '😀', ''];

/** A plausible, varied event stream: alternating down/up, growing offsets, some large. */
export function sampleEvents(count: number): KeyEvent[] {
  const events: KeyEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push({
      type: i % 2 === 0 ? 0 : 1,
      code: CODES[i % CODES.length]!,
      key: KEYS[i % KEYS.length]!,
      offsetUs: i === count - 1 ? Number.MAX_SAFE_INTEGER : i * 61_237 + (i % 7) * 2 ** 33,
      textPos: i % 5 === 0 ? -1 : i,
      isError: i % 11 === 0,
      flags: i % 3 === 0 ? KeyFlags.SHIFT | KeyFlags.CAPS_LOCK : i % 17 === 0 ? 255 : 0,
    });
  }
  return events;
}

export const SAMPLE_MESSAGES: readonly Message[] = [
  { t: 1, v: PROTOCOL_VERSION, sessionId: SESSION_ID, lastAckedSeq: 100, client: 'fingerflow-web/0.1.0' },
  {
    t: 2,
    v: PROTOCOL_VERSION,
    sessionId: SESSION_ID,
    committedSeq: 99,
    serverId: 'ingest-1',
    maxEventsPerBatch: 512,
    maxFrameBytes: 65536,
    framesPerSecond: 200,
    frameBurst: 400,
  },
  { t: 3, seq: 1, events: sampleEvents(3) },
  { t: 4, seq: 2 ** 31 - 1 },
  { t: 5, code: 'SEQUENCE_GAP', message: 'expected seq 7, got 9', seq: 9 },
  {
    t: 6,
    sessionId: SESSION_ID,
    windowSec: 10,
    wpm: 72.5,
    rawWpm: 80.25,
    accuracy: 0.9375,
    dwellMs: 96.1,
    flightMs: -12.5,
    keystrokes: 431,
  },
  { t: 7, seq: 0 },
  { t: 8, committedSeq: 4711 },
  { t: 9, retryAfterMs: 1500 },
  { t: 10, sessionId: SESSION_ID },
  { t: 11, n: 7 },
  { t: 12, n: 7 },
  { t: 13, typist: 2 },
];
