import * as assert from 'uvu/assert';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { Pool } from '../../../server/db/pool.ts';
import type { ActiveSession } from '../../../client/src/transport/delivery.ts';
import type { SessionCreateBody } from '../../../client/src/transport/outbox-types.ts';

export const CREATE: SessionCreateBody = { mode: 'timed', config: { seconds: 60 }, practiceText: 'the quick brown fox', wordSetId: null, keyboardLayout: 'qwerty-us' };

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Types into a session as the typing page would: a keydown and a keyup per key. Every event
 * gets its own offset, so a stored duplicate (the same event under another seq) shows.
 */
export class Typist {
  readonly typed: KeyEvent[] = [];
  private offsetUs = 0;

  key(session: ActiveSession): void {
    const letter = LETTERS[(this.typed.length / 2) % LETTERS.length]!;
    const code = `Key${letter.toUpperCase()}`;
    const textPos = this.typed.length / 2;
    for (const type of [0, 1] as const) {
      const event: KeyEvent = { type, code, key: letter, offsetUs: (this.offsetUs += 1000), textPos, isError: false, flags: 0 };
      this.typed.push(event);
      session.add(event);
    }
  }

  /** `keys` keys, one every `everyMs` (the outbox cuts a batch every 150 ms). */
  async type(session: ActiveSession, keys: number, everyMs: number): Promise<void> {
    for (let i = 0; i < keys; i++) {
      this.key(session);
      await sleep(everyMs);
    }
  }

  /** Events as an earlier page load left them: `count` batches of one key each. */
  batches(localId: string, count: number): Array<{ localId: string; seq: number; events: KeyEvent[] }> {
    return Array.from({ length: count }, (_, i) => {
      const events: KeyEvent[] = [];
      for (const type of [0, 1] as const) {
        const event: KeyEvent = { type, code: 'KeyF', key: 'f', offsetUs: (this.offsetUs += 1000), textPos: i, isError: false, flags: 0 };
        this.typed.push(event);
        events.push(event);
      }
      return { localId, seq: i + 1, events };
    });
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's value, or fails the test after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every typed event is in PostgreSQL exactly once, and nothing else is. */
export async function assertStoredOnce(pool: Pool, sessionId: string, typed: readonly KeyEvent[]): Promise<void> {
  const { rows } = await pool.query<{ offset_us: string; event_type: number; key_code: string }>(
    'SELECT offset_us, event_type, key_code FROM keystrokes WHERE session_id = $1 ORDER BY offset_us, batch_seq, batch_idx', [sessionId],
  );
  const stored = rows.map((r) => `${r.offset_us}:${r.event_type}:${r.key_code}`);
  const expected = [...typed].sort((a, b) => a.offsetUs - b.offsetUs).map((e) => `${e.offsetUs}:${e.type}:${e.code}`);
  const duplicates = stored.length - new Set(stored).size;
  assert.is(duplicates, 0, `${duplicates} events stored twice`);
  assert.is(stored.length, expected.length, `stored ${stored.length} of ${expected.length} typed events`);
  assert.equal(stored, expected, 'stored events differ from the typed ones');
}
