import { test } from 'uvu';
import * as assert from 'uvu/assert';
import jwt from 'jsonwebtoken';
import { TicketSigner } from './tickets.ts';

const secret = 'x'.repeat(40);
const signer = new TicketSigner(secret);
const ids = { userId: '11111111-1111-4111-8111-111111111111', sessionId: '22222222-2222-4222-8222-222222222222' };

test('a ticket round-trips with its audience', () => {
  const check = signer.verify(signer.sign({ ...ids, audience: 'ingest' }), ['ingest']);
  assert.ok(check.ok);
  if (check.ok) assert.equal({ userId: check.claims.userId, sessionId: check.claims.sessionId, audience: check.claims.audience }, { ...ids, audience: 'ingest' });
});

test('the wrong audience, secret, algorithm or an expired ticket is refused with a code', () => {
  const watch = signer.sign({ ...ids, audience: 'watch' });
  assert.equal(signer.verify(watch, ['ingest']).ok, false);
  assert.ok(signer.verify(watch, ['ingest', 'watch']).ok);
  const other = new TicketSigner('y'.repeat(40)).sign({ ...ids, audience: 'ingest' });
  const wrongKey = signer.verify(other, ['ingest']);
  assert.is(wrongKey.ok ? 'ok' : wrongKey.code, 'TICKET_INVALID');
  const expired = signer.verify(signer.sign({ ...ids, audience: 'ingest', ttlSeconds: -10 }), ['ingest']);
  assert.is(expired.ok ? 'ok' : expired.code, 'TICKET_EXPIRED');
  const none = jwt.sign({ sid: ids.sessionId }, '', { algorithm: 'none', audience: 'ingest', issuer: 'fingerflow', subject: ids.userId });
  assert.is(signer.verify(none, ['ingest']).ok, false);
  const missing = signer.verify(undefined, ['ingest']);
  assert.is(missing.ok ? 'ok' : missing.code, 'TICKET_MISSING');
});

test.run();
