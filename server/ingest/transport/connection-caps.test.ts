import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clientAddress, ConnectionCaps, trustedProxyList } from './connection-caps.ts';

test('each cap refuses the connection past its limit and names itself; release gives the slot back', () => {
  const caps = new ConnectionCaps({ perTicket: 2, perUser: 3, perIp: 4 });
  const a = caps.acquire('t1', 'u1', '1.1.1.1');
  const b = caps.acquire('t1', 'u1', '1.1.1.1');
  assert.ok(a.ok && b.ok);
  const third = caps.acquire('t1', 'u1', '1.1.1.1');
  assert.equal(third.ok ? 'ok' : third.cap, 'ticket');
  const c = caps.acquire('t2', 'u1', '1.1.1.1');
  assert.ok(c.ok);
  const d = caps.acquire('t3', 'u1', '1.1.1.1');
  assert.equal(d.ok ? 'ok' : d.cap, 'user');
  const e = caps.acquire('t4', 'u2', '1.1.1.1');
  assert.ok(e.ok);
  const f = caps.acquire('t5', 'u3', '1.1.1.1');
  assert.equal(f.ok ? 'ok' : f.cap, 'ip');
  if (a.ok) { a.release(); a.release(); }
  assert.ok(caps.acquire('t1', 'u1', '2.2.2.2').ok, 'released once, even when called twice');
});

test('the client address: X-Forwarded-For only from a trusted proxy; IPv4-mapped peers read plainly', () => {
  const trusted = trustedProxyList(['10.0.0.0/8']);
  assert.is(clientAddress('0000:0000:0000:0000:0000:ffff:0a00:0001', '203.0.113.9', trusted), '203.0.113.9');
  assert.is(clientAddress('::ffff:192.0.2.1', '203.0.113.9', trusted), '192.0.2.1');
  assert.is(clientAddress('127.0.0.1', '1.2.3.4', undefined), '127.0.0.1');
});

test.run();
