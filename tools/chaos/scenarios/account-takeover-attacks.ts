import { totpFor } from '../../../server/auth/second-factor.ts';
import { signedInBrowser, type TestSidecar } from '../../../server/test/support/sidecar-fixtures.ts';
import { wire } from '../wire.ts';

/**
 * The account-takeover attacks of issue 14, each performed against a running sidecar: every
 * check is "the attacker failed". `open` has per-address limits off (this one machine makes
 * many accounts); `proxied` believes X-Forwarded-For from loopback, to play many addresses.
 */
export async function accountTakeoverChecks(open: TestSidecar, proxied: TestSidecar): Promise<Array<[boolean, string]>> {
  const checks: Array<[boolean, string]> = [];
  const victimAddress = `victim-${Date.now()}@example.com`;

  // Pre-account takeover: an anonymous typist claims the victim's address.
  const anonymous = open.browser();
  anonymous.accessToken = wire(await anonymous.post('/api/anonymous')).accessToken;
  const squat = await anonymous.request('PATCH', '/auth/me', { json: { email: victimAddress } });
  const squatChange = await anonymous.post('/auth/email-change', { email: victimAddress, password: 'anything-at-all' });
  checks.push([squat.status === 403 && squatChange.status === 403, `an anonymous typist sets the victim's email: ${squat.status} ${wire(squat).error?.code}, ${squatChange.status}`]);

  // An account moves itself onto the victim's address without the victim's link.
  const attacker = await signedInBrowser(open);
  const direct = await attacker.browser.request('PATCH', '/auth/me', { json: { email: victimAddress } });
  const pending = await attacker.browser.post('/auth/email-change', { email: victimAddress, password: attacker.password });
  const still = wire(await attacker.browser.get('/auth/me')).user?.email;
  checks.push([direct.status === 400 && pending.status === 202 && still === attacker.email, `an account takes the victim's address without the victim's link: PATCH ${direct.status}, change ${pending.status}, email still ${still === attacker.email ? 'the attacker\'s' : still}`]);

  // A stolen access token alone cannot make itself permanent.
  const stolen = open.browser();
  stolen.accessToken = attacker.browser.accessToken;
  const noPasswordEmail = await stolen.post('/auth/email-change', { email: `elsewhere-${Date.now()}@example.com` });
  const noPassword2fa = await stolen.post('/auth/2fa/setup', {});
  const noPasswordLink = await stolen.post('/auth/google/link', {});
  checks.push([noPasswordEmail.status === 400 && noPassword2fa.status === 400 && noPasswordLink.status >= 400, `a stolen access token changes email / sets up 2FA / links Google: ${noPasswordEmail.status} ${noPassword2fa.status} ${noPasswordLink.status}`]);

  // Access tokens end with their sign-in.
  const leaving = await signedInBrowser(open);
  await leaving.browser.post('/auth/logout-all', {});
  const after = await leaving.browser.get('/auth/me');
  checks.push([after.status === 401 && wire(after).error?.code === 'TOKEN_REVOKED', `an access token after logout-all: ${after.status} ${wire(after).error?.code}`]);

  // Lockout as a denial of service: guessing from one address does not lock the owner out.
  const owner = await signedInBrowser(open);
  const guesses = [];
  for (let i = 0; i < 8; i++) guesses.push((await proxied.browser({ 'x-forwarded-for': '198.51.100.200' }).post('/auth/login', { email: owner.email, password: `guess-${i}` })).status);
  const ownDevice = await owner.browser.post('/auth/login', { email: owner.email, password: owner.password });
  const elsewhere = await proxied.browser({ 'x-forwarded-for': '203.0.113.200' }).post('/auth/login', { email: owner.email, password: owner.password });
  checks.push([guesses.includes(423) && ownDevice.status === 200 && elsewhere.status === 200, `8 guesses from one address (${guesses.join(' ')}); the owner then signs in on their device ${ownDevice.status}, from another address ${elsewhere.status}`]);

  // Enumeration: register and login answer the same for taken and free addresses.
  const taken = await open.browser().post('/auth/register', { email: owner.email, password: 'Solid-Pass-1111' });
  const free = await open.browser().post('/auth/register', { email: `free-${Date.now()}@example.com`, password: 'Solid-Pass-1111' });
  const unknownLogin = [];
  const knownLogin = [];
  for (let i = 0; i < 6; i++) unknownLogin.push((await proxied.browser({ 'x-forwarded-for': '198.51.100.201' }).post('/auth/login', { email: `ghost-${Date.now()}@example.com`.replace(/\d+/, 'x'), password: 'Wrong-Guess-1' })).status);
  const known = await signedInBrowser(open);
  for (let i = 0; i < 6; i++) knownLogin.push((await proxied.browser({ 'x-forwarded-for': '198.51.100.202' }).post('/auth/login', { email: known.email, password: 'Wrong-Guess-1' })).status);
  checks.push([taken.status === free.status && JSON.stringify(taken.body) === JSON.stringify(free.body) && unknownLogin.join() === knownLogin.join(),
    `enumeration: register taken/free ${taken.status}/${free.status}; login unknown ${unknownLogin.join(' ')} vs known ${knownLogin.join(' ')}`]);

  // A 2FA step token mints one sign-in only, even with backup codes.
  const twoFactor = await signedInBrowser(open);
  const setup = await twoFactor.browser.post('/auth/2fa/setup', { password: twoFactor.password });
  const enabled = await twoFactor.browser.post('/auth/2fa/enable', { code: totpFor(wire(setup).secret as string).generate(), password: twoFactor.password });
  const codes = wire(enabled).backupCodes;
  const step = await open.browser().post('/auth/login', { email: twoFactor.email, password: twoFactor.password });
  const once = await open.browser().post('/auth/login/2fa', { twoFactorToken: wire(step).twoFactorToken, code: codes?.[0] });
  const twice = await open.browser().post('/auth/login/2fa', { twoFactorToken: wire(step).twoFactorToken, code: codes?.[1] });
  checks.push([once.status === 200 && twice.status === 401, `a 2FA step token used twice with two backup codes: ${once.status}, then ${twice.status}`]);

  // Responses with tokens or personal data are not cacheable.
  const cached = (await owner.browser.get('/auth/me')).headers.get('cache-control');
  checks.push([cached === 'no-store', `Cache-Control on /auth/me: ${cached}`]);
  return checks;
}
