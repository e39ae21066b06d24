// Email changes and the answers that must not enumerate accounts, over HTTP against a real
// PostgreSQL and a real SMTP server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SMTPServer } from 'smtp-server';
import { signedInBrowser, startTestSidecar } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import { pollUntil } from './support/processes.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });
const tokenIn = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2)}@example.com`;

test('an email change waits for the link mailed to the new address, needs the password, and mails the old address an undo link', async () => {
  const user = await signedInBrowser(env.sidecar);
  const next = unique('moved');
  const without = await user.browser.post('/auth/email-change', { email: next });
  assert.is(without.body.error.code, 'PASSWORD_REQUIRED', 'no password asked for');
  const wrong = await user.browser.post('/auth/email-change', { email: next, password: 'Not-The-Password-1' });
  assert.is(wrong.body.error.code, 'INVALID_CREDENTIALS');
  const asked = await user.browser.post('/auth/email-change', { email: next, password: user.password });
  assert.is(asked.status, 202);
  assert.is((await user.browser.get('/auth/me')).body.user.email, user.email, 'changed before confirmation');
  assert.match((await env.sidecar.smtp.next(user.email, 5000, /FingerFlow: a change/)).text, new RegExp(next));
  const confirmMail = await env.sidecar.smtp.next(next, 5000, /Confirm your new/);
  assert.match(confirmMail.text, /\/confirm-email\?token=/);
  const confirmed = await env.sidecar.browser().post('/auth/email-change/confirm', { token: tokenIn(confirmMail.text) });
  assert.is(confirmed.status, 200, JSON.stringify(confirmed.body));
  const me = (await user.browser.get('/auth/me')).body.user;
  assert.is(me.email, next);
  assert.is(me.emailVerified, true);
  assert.is((await env.sidecar.browser().post('/auth/login', { email: next, password: user.password })).status, 200);
  const undoMail = await env.sidecar.smtp.next(user.email, 5000, /was changed/);
  assert.match(undoMail.text, /\/undo-email\?token=/);
  assert.is((await env.sidecar.browser().post('/auth/email-change/confirm', { token: tokenIn(confirmMail.text) })).status, 400, 'a change link worked twice');
});

test('the old address undoes a change made by an intruder: address back, every device out, a reset link', async () => {
  const owner = await signedInBrowser(env.sidecar);
  // An intruder with the owner's password (and thus a session) moves the account away...
  const intruder = env.sidecar.browser();
  intruder.accessToken = (await intruder.post('/auth/login', { email: owner.email, password: owner.password })).body.accessToken;
  const theirs = unique('intruder');
  await intruder.post('/auth/email-change', { email: theirs, password: owner.password });
  assert.is((await env.sidecar.browser().post('/auth/email-change/confirm', { token: tokenIn((await env.sidecar.smtp.next(theirs, 5000, /Confirm your new/)).text) })).status, 200);
  assert.is((await intruder.post('/auth/change-password', { currentPassword: owner.password, newPassword: 'Intruder-Pass-99' })).status, 200);
  // ...and the owner's undo link, which survived the password change, takes it back.
  const undo = tokenIn((await env.sidecar.smtp.next(owner.email, 5000, /was changed/)).text);
  const undone = await env.sidecar.browser().post('/auth/email-change/undo', { token: undo });
  assert.is(undone.status, 200, JSON.stringify(undone.body));
  assert.is(undone.body.email, owner.email);
  assert.is((await intruder.get('/auth/me')).status, 401, 'the intruder kept a session');
  assert.is((await intruder.post('/auth/refresh', {}, { csrf: true })).status, 401);
  const reset = tokenIn((await env.sidecar.smtp.next(owner.email, 5000, /Reset your/)).text);
  assert.is((await env.sidecar.browser().post('/auth/reset-password', { token: reset, password: 'Owner-Again-Pass-1' })).status, 200);
  assert.is((await env.sidecar.browser().post('/auth/login', { email: owner.email, password: 'Owner-Again-Pass-1' })).status, 200);
  assert.is((await env.sidecar.browser().post('/auth/login', { email: theirs, password: 'Intruder-Pass-99' })).status, 401);
});

test('mailed links are bound to their address: a change kills verification, reset and pending-change links', async () => {
  const user = await signedInBrowser(env.sidecar);
  await env.sidecar.browser().post('/auth/forgot-password', { email: user.email });
  const reset = tokenIn((await env.sidecar.smtp.next(user.email, 5000, /Reset your/)).text);
  const first = unique('first');
  await user.browser.post('/auth/email-change', { email: first, password: user.password });
  const pendingFirst = tokenIn((await env.sidecar.smtp.next(first, 5000, /Confirm your new/)).text);
  const second = unique('second');
  await user.browser.post('/auth/email-change', { email: second, password: user.password });
  assert.is((await env.sidecar.browser().post('/auth/email-change/confirm', { token: pendingFirst })).status, 400, 'a superseded change link worked');
  const pendingSecond = tokenIn((await env.sidecar.smtp.next(second, 5000, /Confirm your new/)).text);
  assert.is((await env.sidecar.browser().post('/auth/email-change/confirm', { token: pendingSecond })).status, 200);
  const stale = await env.sidecar.browser().post('/auth/reset-password', { token: reset, password: 'Stale-Link-Pass-1' });
  assert.is(stale.status, 400, 'a reset link sent to the old address still worked');
  assert.ok(['TOKEN_INVALID', 'TOKEN_USED'].includes(stale.body.error.code));
});

test('register answers the same for a taken address and mails its owner instead', async () => {
  const owner = await signedInBrowser(env.sidecar);
  const fresh = await env.sidecar.browser().post('/auth/register', { email: unique('new'), password: 'Solid-Pass-1111' });
  const taken = await env.sidecar.browser().post('/auth/register', { email: owner.email.toUpperCase(), password: 'Solid-Pass-1111' });
  assert.is(taken.status, fresh.status);
  assert.equal(taken.body, fresh.body);
  assert.match((await env.sidecar.smtp.next(owner.email, 5000, /tried to sign up/)).text, /already has one/);
  assert.is((await env.sidecar.browser().post('/auth/login', { email: owner.email, password: 'Solid-Pass-1111' })).status, 401, 'the second registration set a password');
});

test('an email change to a taken address answers like any other and changes nothing', async () => {
  const user = await signedInBrowser(env.sidecar);
  const other = await signedInBrowser(env.sidecar);
  const taken = await user.browser.post('/auth/email-change', { email: other.email, password: user.password });
  const free = await user.browser.post('/auth/email-change', { email: unique('free'), password: user.password });
  assert.is(taken.status, free.status);
  assert.is(taken.status, 202);
  assert.match((await env.sidecar.smtp.next(other.email, 5000, /Your FingerFlow email/)).text, /already has an account/);
});

test('mail is sent off the request path: answers do not wait for a stalled mail server', async () => {
  // An SMTP server that accepts the connection and then holds every message.
  const held: Array<() => void> = [];
  const stalled = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData(stream, _s, callback) {
    stream.resume();
    stream.on('end', () => held.push(() => callback()));
  } });
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', () => resolve()));
  const port = (stalled.server.address() as { port: number }).port;
  const slow = await startTestSidecar(env.db.url, env.db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SMTP_PORT: String(port) });
  try {
    const user = await signedInBrowser(env.sidecar);
    const answers = await Promise.all([
      slow.browser().post('/auth/forgot-password', { email: user.email }),
      slow.browser().post('/auth/forgot-password', { email: unique('nobody') }),
      slow.browser().post('/auth/register', { email: user.email, password: 'Solid-Pass-1111' }),
    ]);
    assert.equal(answers.map((a) => a.status), [202, 202, 202]);
    // The answers came while the mail server holds every message it gets (none is released
    // before the finally block): had a route waited for its mail, it would still hang.
    assert.ok((await pollUntil(async () => held.length >= 2, 20_000)) !== undefined, 'the mails never reached the stalled server');
  } finally {
    for (const release of held.splice(0)) release();
    await slow.close();
    await new Promise<void>((resolve) => stalled.close(() => resolve()));
  }
});

test.run();
