import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectionRefused, seqs, turns, writerRig } from './testing/fake-flush-store.ts';

// The writer's flush policy against a fake store and a fake clock: no PostgreSQL, no real
// timers. flushRows 100, flushMs 50, flushers 2 unless a test says otherwise.

test('a flush starts as soon as flushRows rows wait, without waiting for flushMs', () => {
  const rig = writerRig();
  rig.add('A', 1, 60);
  assert.is(rig.store.calls.length, 0);
  rig.add('B', 1, 40);
  assert.is(rig.store.calls.length, 1);
  assert.equal(seqs(rig.store.calls[0]!.chunk), ['A:1', 'B:1']);
});

test('fewer rows than flushRows are flushed once the oldest batch waited flushMs, not before', () => {
  const rig = writerRig();
  rig.add('A', 1, 5);
  rig.clock.advance(20);
  rig.add('B', 1, 5);
  rig.clock.advance(29);
  assert.is(rig.store.calls.length, 0, 'the oldest waited 49 ms');
  rig.clock.advance(1);
  assert.is(rig.store.calls.length, 1);
  assert.equal(seqs(rig.store.calls[0]!.chunk), ['A:1', 'B:1']);
});

test('a flush takes at most flushRows rows; the rest waits for the next one', () => {
  const rig = writerRig({ flushers: 1 });
  for (let s = 1; s <= 5; s++) rig.add(`S${s}`, 1, 30);
  assert.equal(seqs(rig.store.calls[0]!.chunk), ['S1:1', 'S2:1', 'S3:1', 'S4:1']);
  assert.is(rig.writer.queuedBatches, 1);
});

test('no more than flushers flushes run at once; the next starts when one ends', async () => {
  const rig = writerRig({ flushers: 2 });
  rig.add('A', 1, 100);
  rig.add('B', 1, 100);
  rig.add('C', 1, 100);
  assert.is(rig.store.open.length, 2);
  assert.equal(rig.store.calls.map((c) => seqs(c.chunk)), [['A:1'], ['B:1']]);
  rig.store.open[0]!.commit();
  await turns();
  assert.is(rig.store.open.length, 2);
  assert.equal(seqs(rig.store.calls[2]!.chunk), ['C:1']);
});

test('a session is never in two flushes at once: its next batches wait, other sessions go ahead', async () => {
  const rig = writerRig({ flushers: 2 });
  rig.add('A', 1, 100);
  rig.add('A', 2, 100);
  rig.add('B', 1, 100);
  assert.equal(rig.store.calls.map((c) => seqs(c.chunk)), [['A:1'], ['B:1']], 'A:2 waits for A:1');
  rig.store.open[0]!.commit();
  await turns();
  assert.equal(seqs(rig.store.calls[2]!.chunk), ['A:2']);
});

test('acknowledgements come only after the store committed, in order', async () => {
  const rig = writerRig();
  rig.add('A', 1, 50);
  rig.add('A', 2, 50);
  assert.equal(rig.listener.log, []);
  rig.store.open[0]!.commit();
  await turns();
  assert.equal(rig.listener.log, ['flushed:100', 'committed:A:2']);
  assert.is(rig.writer.bufferedBytes, 0);
});

test('PostgreSQL unreachable: nothing acknowledged, the chunk goes back to the front and is retried with backoff', async () => {
  const rig = writerRig({ flushers: 1 });
  rig.add('A', 1, 100);
  rig.add('B', 1, 100);
  rig.store.open[0]!.fail(connectionRefused());
  await turns();
  assert.equal(rig.listener.log, ['database:false']);
  assert.is(rig.store.calls.length, 1, 'no retry before the backoff');
  assert.is(rig.writer.bufferedBytes, 200, 'nothing dropped');
  rig.clock.advance(99);
  assert.is(rig.store.calls.length, 1);
  rig.clock.advance(1);
  assert.equal(seqs(rig.store.calls[1]!.chunk), ['A:1'], 'the failed chunk first, before what queued behind it');
  rig.store.open[0]!.commit();
  await turns();
  assert.equal(rig.listener.log, ['database:false', 'database:true', 'flushed:100', 'committed:A:1']);
});

test('the backoff doubles while PostgreSQL stays away, up to 2 s', async () => {
  const rig = writerRig({ flushers: 1 });
  rig.add('A', 1, 100);
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    rig.store.open[0]!.fail(connectionRefused());
    await turns();
    let waited = 0;
    while (rig.store.open.length === 0) {
      rig.clock.advance(1);
      waited++;
    }
    waits.push(waited);
  }
  assert.equal(waits, [100, 200, 400, 800, 1600, 2000]);
});

test('a chunk whose data fails is stored session by session: one bad session cannot hold back the others', async () => {
  const rig = writerRig({ flushers: 1 });
  rig.add('A', 1, 50);
  rig.add('B', 1, 50);
  const bug = new TypeError('bad row');
  rig.store.open[0]!.fail(bug);
  await turns();
  assert.equal(seqs(rig.store.calls[1]!.chunk), ['A:1']);
  rig.store.open[0]!.commit();
  await turns();
  assert.equal(seqs(rig.store.calls[2]!.chunk), ['B:1']);
  rig.store.open[0]!.fail(new TypeError('bad row again'));
  await turns();
  assert.equal(rig.listener.log, ['committed:A:1', 'failed:B', 'rejected:B:internal']);
  assert.is(rig.listener.failures[0]!.message, 'bad row again');
});

test('idle resolves when everything is committed, or false after its timeout on the clock', async () => {
  const rig = writerRig();
  rig.add('A', 1, 5);
  const idle = rig.writer.idle(1000);
  assert.is(rig.store.calls.length, 1, 'a drain flushes at once, without waiting for flushMs');
  rig.store.open[0]!.commit();
  assert.is(await idle, true);
  rig.add('B', 1, 5);
  const stuck = rig.writer.idle(1000);
  rig.clock.advance(1000);
  assert.is(await stuck, false);
});

test('supersede drops the queued batches of a session from another connection, and their bytes', () => {
  const rig = writerRig({ flushers: 1 });
  rig.add('X', 1, 100); // keeps the only flusher busy
  rig.add('A', 1, 10, 'old');
  rig.add('A', 2, 10, 'new');
  rig.writer.supersede('A', 'new');
  assert.is(rig.writer.queuedBatches, 1);
  assert.is(rig.writer.bufferedBytes, 110);
});

test('the oldest batch not yet committed is measured on the clock, in flight or queued', () => {
  const rig = writerRig({ flushers: 1 });
  rig.add('A', 1, 100);
  rig.clock.advance(30);
  rig.add('B', 1, 5);
  rig.clock.advance(10);
  assert.is(rig.writer.oldestPendingAgeMs(), 40);
});

test.run();
