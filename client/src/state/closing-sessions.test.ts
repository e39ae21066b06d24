import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { SessionClock } from '../capture/session-clock.ts';
import type { ActiveSession } from '../transport/delivery.ts';
import { ClosingSessions } from './closing-sessions.ts';

function fakeSession() {
  const events: KeyEvent[] = [];
  let finished = 0;
  const session: ActiveSession = {
    localId: 'l', add: (e) => events.push(e), finish: () => finished++, delivered: Promise.resolve('ended'), serverId: () => null,
  };
  return { session, events, finished: () => finished };
}
const clock = () => {
  const c = new SessionClock();
  c.start(1000);
  return c;
};
const up = (code: string, atMs: number) => ({ type: 1 as const, code, key: 'a', atMs, flags: 0 });
const held = (code: string) => new Map([[code, { textPos: 7, isError: false, changed: [] }]]);

test('nothing held: the session finishes at once', () => {
  const f = fakeSession();
  new ClosingSessions(1000).close(f.session, clock(), new Map());
  assert.is(f.finished(), 1);
});

test('a key still down is recorded in the closed session when released, which then finishes', () => {
  const f = fakeSession();
  const closing = new ClosingSessions(1000);
  closing.close(f.session, clock(), held('KeyA'));
  assert.is(f.finished(), 0);
  assert.not.ok(closing.keyup(up('KeyB', 1100)), 'a key it does not hold is not its');
  assert.ok(closing.keyup(up('KeyA', 1200)));
  assert.equal(f.events, [{ type: 1, code: 'KeyA', key: 'a', offsetUs: 200_000, textPos: 7, isError: false, flags: 0 }]);
  assert.is(f.finished(), 1);
  assert.not.ok(closing.keyup(up('KeyA', 1300)));
});

test('without a keyup the session finishes after the grace period, or at focus loss', async () => {
  const a = fakeSession();
  const b = fakeSession();
  const closing = new ClosingSessions(20);
  closing.close(a.session, clock(), held('KeyA'));
  await new Promise((r) => setTimeout(r, 40));
  assert.is(a.finished(), 1);
  closing.close(b.session, clock(), held('KeyB'));
  closing.finishAll();
  assert.is(b.finished(), 1);
  assert.equal(b.events, []);
});

test.run();
