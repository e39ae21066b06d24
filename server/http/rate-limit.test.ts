import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RateLimiter, waitText } from './rate-limit.ts';
import { addressGroup } from './client-ip.ts';

test('the in-memory table stays bounded however many clients come', async () => {
  let now = 0;
  const limiter = new RateLimiter(undefined, () => now);
  const rule = { name: 'general', limit: 2, windowMs: 60_000 };
  for (let i = 0; i < 120_000; i++) await limiter.hit(rule, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  assert.ok(limiter.memoryKeys <= 100_000, `${limiter.memoryKeys} keys`);
  // Limits still hold for a client seen recently.
  assert.is(await limiter.hit(rule, 'client'), 0);
  assert.is(await limiter.hit(rule, 'client'), 0);
  assert.is(await limiter.hit(rule, 'client'), 60);
  now += 60_001;
  assert.is(await limiter.hit(rule, 'client'), 0);
  limiter.stop();
});

test('IPv6 addresses are grouped by /64; IPv4 addresses stand alone', () => {
  assert.is(addressGroup('2001:db8:4:5::1'), '2001:db8:4:5::/64');
  assert.is(addressGroup('2001:0db8:0004:0005:ffff:1:2:3'), '2001:db8:4:5::/64');
  assert.is(addressGroup('2001:db8::1'), '2001:db8:0:0::/64');
  assert.is(addressGroup('::1'), '0:0:0:0::/64');
  assert.is(addressGroup('203.0.113.9'), '203.0.113.9');
});

test('waits are said in seconds or minutes', () => {
  assert.is(waitText(42), '42 s');
  assert.is(waitText(900), '15 min');
});

test.run();
