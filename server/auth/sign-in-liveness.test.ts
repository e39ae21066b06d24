import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { createLogger } from '../obs/logger.ts';
import { SignInLiveness } from './sign-in-liveness.ts';

const log = createLogger({ service: 'test', level: 'fatal', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

/** A pool that answers "live" until told otherwise, counting the questions. */
function fakePool() {
  const state = { live: true, queries: 0 };
  return { state, pool: { query: async () => (state.queries++, { rows: state.live ? [{ '?column?': 1 }] : [] }) } as never };
}

test('without its LISTEN connection nothing is cached: every check asks PostgreSQL', async () => {
  const { state, pool } = fakePool();
  const liveness = new SignInLiveness(pool, undefined, log);
  assert.is(await liveness.isLive('u1', 'f1'), true);
  assert.is(await liveness.isLive('u1', 'f1'), true);
  assert.is(state.queries, 2);
  state.live = false;
  assert.is(await liveness.isLive('u1', 'f1'), false, 'a revocation was missed');
  await liveness.stop();
});

test('a LISTEN connection that cannot be opened leaves checks uncached, and stop() ends the retries', async () => {
  const { state, pool } = fakePool();
  const liveness = new SignInLiveness(pool, 'postgres://nobody:none@127.0.0.1:1/none', log);
  liveness.start();
  await new Promise((r) => setTimeout(r, 50));
  await liveness.isLive('u1', 'f1');
  state.live = false;
  assert.is(await liveness.isLive('u1', 'f1'), false);
  await liveness.stop();
});

test.run();
