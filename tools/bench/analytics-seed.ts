import type pg from 'pg';
import { generateSession, REALISTIC } from '../../shared/metrics/testing/keystroke-streams.ts';
import { createUser, storeSession } from '../../server/test/support/analytics-fixtures.ts';

const DAY = 86_400_000;

export interface Seeded {
  userId: string;
  /** The long session timed alone. */
  sessionId: string;
  sessionEvents: number;
  /** Events of the user over all sessions: the range. */
  rangeEvents: number;
  sessions: number;
}

/**
 * One typist: a long session of ~`sessionEvents` events, then sessions of ~2,200 events
 * (1,000 characters of realistic typing: rollover, corrections, Shift, the odd lost keyup)
 * over 90 days until the user holds `rangeEvents` events in all. Deterministic per seed.
 */
export async function seedTypist(pool: pg.Pool, options: { sessionEvents: number; rangeEvents: number }, say: (line: string) => void): Promise<Seeded> {
  const userId = await createUser(pool, 'bench@example.com');
  const start = Date.UTC(2026, 0, 1);
  // ~2.15 events per character typed (keydown and keyup, plus Shift, Backspace and repeats):
  // typed a little longer, then cut at exactly `sessionEvents`, as if the test stopped there.
  const typed = generateSession(1, { ...REALISTIC, characters: Math.round(options.sessionEvents / 2) });
  const long = { practiceText: typed.practiceText, events: typed.events.slice(0, options.sessionEvents) };
  const sessionId = await storeSession(pool, { userId, startedAt: new Date(start), ...long });
  let rangeEvents = long.events.length;
  let sessions = 1;
  while (rangeEvents < options.rangeEvents) {
    const session = generateSession(1000 + sessions, { ...REALISTIC, characters: 1000 });
    const startedAt = new Date(start + Math.floor((sessions / 460) * 90 * DAY));
    await storeSession(pool, { userId, startedAt, ...session });
    rangeEvents += session.events.length;
    sessions++;
    if (sessions % 100 === 0) say(`  ${sessions} sessions, ${rangeEvents.toLocaleString('en')} events`);
  }
  return { userId, sessionId, sessionEvents: long.events.length, rangeEvents, sessions };
}
