import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Latest } from './latest.ts';

/** A request the test answers by hand, in any order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

test('the old request answering last is not applied; the new one is', async () => {
  const counts: number[] = [];
  const latest = new Latest((n) => counts.push(n));
  const shown: string[] = [];
  const old = deferred<string>();
  const fresh = deferred<string>();
  const first = latest.run(() => old.promise, (v) => shown.push(v));
  const second = latest.run(() => fresh.promise, (v) => shown.push(v));
  assert.is(latest.pending, 2);
  fresh.resolve('range from the 7th');
  await second;
  old.resolve('range from the 5th');
  await first;
  assert.equal(shown, ['range from the 7th']);
  assert.is(latest.pending, 0);
  assert.equal(counts, [1, 2, 1, 0], 'loading until every request settled');
});

test('an error of a superseded request is not shown; one of the latest is', async () => {
  const latest = new Latest();
  const errors: unknown[] = [];
  const old = deferred<string>();
  const first = latest.run(() => old.promise, () => undefined, (e) => errors.push(e));
  await latest.run(() => Promise.reject(new Error('busy')), () => undefined, (e) => errors.push(e));
  old.reject(new Error('stale'));
  await first;
  assert.equal(errors.map((e) => (e as Error).message), ['busy']);
});

test('the work can see that it was superseded (and stop retrying)', async () => {
  const latest = new Latest();
  let seen: (() => boolean) | undefined;
  const gate = deferred<void>();
  const first = latest.run(async (isCurrent) => {
    seen = isCurrent;
    await gate.promise;
    return isCurrent();
  }, () => undefined);
  assert.is(seen!(), true);
  await latest.run(async () => 'new', () => undefined);
  assert.is(seen!(), false);
  gate.resolve();
  await first;
});

test('with no fail handler the latest error is thrown to the caller', async () => {
  const latest = new Latest();
  const error = await latest.run(() => Promise.reject(new Error('down')), () => undefined).catch((e: unknown) => e);
  assert.is((error as Error).message, 'down');
  assert.is(latest.pending, 0);
});

test.run();
