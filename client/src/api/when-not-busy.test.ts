import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from './http.ts';
import { whenNotBusy } from './when-not-busy.ts';

const busy = () => new ApiError(503, 'ANALYTICS_BUSY', 'the server is computing many analytics right now; try again shortly');
const noSleep = async () => undefined;

/** Work that answers busy `times` times, then `value`. */
function busyThen<T>(times: number, value: T) {
  let calls = 0;
  return { work: async () => (++calls <= times ? Promise.reject(busy()) : value), calls: () => calls };
}

test('a busy answer is tried again until the figures come', async () => {
  const server = busyThen(3, 'figures');
  const waits: number[] = [];
  assert.is(await whenNotBusy(server.work, { attempts: 10, waitMs: 2000, onBusy: (n) => waits.push(n), sleep: noSleep }), 'figures');
  assert.is(server.calls(), 4);
  assert.equal(waits, [1, 2, 3]);
});

test('bounded: the last busy answer is thrown after the attempts', async () => {
  const server = busyThen(100, 'figures');
  const error = await whenNotBusy(server.work, { attempts: 5, waitMs: 1, sleep: noSleep }).catch((e: unknown) => e);
  assert.instance(error, ApiError);
  assert.is((error as ApiError).code, 'ANALYTICS_BUSY');
  assert.is(server.calls(), 5);
});

test('other errors are not retried, and a page that moved on stops the tries', async () => {
  let calls = 0;
  const refused = await whenNotBusy(async () => {
    calls++;
    throw new ApiError(404, 'SESSION_NOT_FOUND', 'no such session');
  }, { attempts: 5, waitMs: 1, sleep: noSleep }).catch((e: unknown) => e);
  assert.is((refused as ApiError).code, 'SESSION_NOT_FOUND');
  assert.is(calls, 1);
  let gone = false;
  const server = busyThen(100, 'figures');
  await whenNotBusy(server.work, { attempts: 10, waitMs: 1, sleep: async () => void (gone = true), stop: () => gone }).catch(() => undefined);
  assert.is(server.calls(), 1);
});

test.run();
