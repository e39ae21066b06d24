import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SendPacer } from './send-pacer.ts';

test('half the stated burst at once, then 90 % of the stated rate', () => {
  const pacer = new SendPacer(200, 400, 0);
  let sent = 0;
  while (pacer.take(0)) sent++;
  assert.is(sent, 200);
  assert.is(pacer.waitMs(0), 6, 'one token every 1000 / 180 ms');
  let now = 0;
  let more = 0;
  for (let i = 0; i < 1000; i++) {
    now += pacer.waitMs(now);
    if (pacer.take(now)) more++;
  }
  assert.is(more, 1000);
  assert.ok(now >= 1000 * (1000 / 180) - 10, `1,000 frames took ${now} ms`);
});

test('frames sent before welcome count against the burst', () => {
  const pacer = new SendPacer(200, 400, 0, 33);
  let sent = 0;
  while (pacer.take(0)) sent++;
  assert.is(sent, 167);
});

test.run();
