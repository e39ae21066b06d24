import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SendingGrace } from './sending-grace.ts';

test('batches acknowledged within the grace never show as sending, however many there are', () => {
  const grace = new SendingGrace(1000);
  for (let t = 0; t < 10_000; t += 150) {
    assert.equal(grace.observe(true, false, t), { show: false, recheckInMs: 1000 }, `batch at ${t} ms`);
    assert.equal(grace.observe(false, false, t + 40), { show: false, recheckInMs: null }, `ack at ${t + 40} ms`);
  }
});

test('a backlog that never empties for the grace shows as sending, and clears with the last ack', () => {
  const grace = new SendingGrace(1000);
  assert.equal(grace.observe(true, false, 0), { show: false, recheckInMs: 1000 });
  assert.equal(grace.observe(true, false, 600), { show: false, recheckInMs: 400 });
  assert.equal(grace.observe(true, false, 1000), { show: true, recheckInMs: null });
  assert.equal(grace.observe(true, false, 5000), { show: true, recheckInMs: null });
  assert.equal(grace.observe(false, false, 5100), { show: false, recheckInMs: null });
  assert.equal(grace.observe(true, false, 5200), { show: false, recheckInMs: 1000 }, 'a new backlog starts its own grace');
});

test('keystrokes with no connection to carry them (parked) show at once', () => {
  const grace = new SendingGrace(1000);
  assert.equal(grace.observe(true, true, 0), { show: true, recheckInMs: null });
});

test.run();
