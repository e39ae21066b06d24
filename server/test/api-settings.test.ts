// Settings over HTTP: defaults merged with what was saved, PATCH merges instead of
// replacing, values validated, unknown keys refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });


const DEFAULTS = {
  theme: 'default', mode: 'timed', duration: 30, wordCount: 25, view: 'ticker', wordSetId: null, keyboardLayout: 'qwerty-us',
  sound: { enabled: false, volume: 0.5 }, stopOnError: false, caretStyle: 'line',
};

test('a new typist gets the defaults', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const response = await browser.get('/api/settings');
  assert.is(response.status, 200);
  assert.equal(response.body.settings, DEFAULTS);
});

test('each PATCH keeps the keys saved before it, sound merges key by key', async () => {
  const { browser, userId } = await signedInBrowser(env.sidecar);
  const first = await browser.request('PATCH', '/api/settings', { json: { theme: 'cyberpunk', duration: 60 } });
  assert.is(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.settings, { ...DEFAULTS, theme: 'cyberpunk', duration: 60 });
  await browser.request('PATCH', '/api/settings', { json: { view: 'rolling', sound: { enabled: true } } });
  await browser.request('PATCH', '/api/settings', { json: { sound: { volume: 0.2 }, keyboardLayout: 'colemak', stopOnError: true, caretStyle: 'block' } });
  const read = await browser.get('/api/settings');
  assert.equal(read.body.settings, {
    ...DEFAULTS, theme: 'cyberpunk', duration: 60, view: 'rolling', sound: { enabled: true, volume: 0.2 }, keyboardLayout: 'colemak', stopOnError: true, caretStyle: 'block',
  });
  const stored = (await env.db.pool.query('SELECT settings FROM user_settings WHERE user_id = $1', [userId])).rows[0].settings;
  assert.equal(stored.sound, { enabled: true, volume: 0.2 });
  const other = await signedInBrowser(env.sidecar);
  assert.equal((await other.browser.get('/api/settings')).body.settings, DEFAULTS, 'settings leaked to another user');
});

test('two tabs saving different keys at the same moment both keep their change', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const patches = [{ theme: 'paper' }, { mode: 'words' }, { duration: 120 }, { wordCount: 50 }, { view: 'rolling' }, { keyboardLayout: 'azerty' }, { stopOnError: true }, { caretStyle: 'underline' }];
  const answers = await Promise.all(patches.map((json) => browser.request('PATCH', '/api/settings', { json })));
  assert.equal(answers.map((a) => a.status), patches.map(() => 200));
  assert.equal((await browser.get('/api/settings')).body.settings, { ...DEFAULTS, ...Object.assign({}, ...patches) });
});

test('a word set may be chosen if the typist can see it, and unset with null', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const builtIn = (await env.db.pool.query("SELECT id FROM word_sets WHERE slug = 'code-keywords' AND owner_id IS NULL")).rows[0].id;
  assert.is((await browser.request('PATCH', '/api/settings', { json: { wordSetId: builtIn } })).body.settings.wordSetId, builtIn);
  const other = await signedInBrowser(env.sidecar);
  const theirs = (await other.browser.post('/api/word-sets', { name: 'Theirs', words: ['x'] })).body.wordSet.id;
  for (const id of [theirs, randomUUID()]) {
    const refused = await browser.request('PATCH', '/api/settings', { json: { wordSetId: id } });
    assert.is(refused.status, 400);
    assert.is(refused.body.error.details.fields.wordSetId, 'no such word set');
  }
  assert.is((await browser.get('/api/settings')).body.settings.wordSetId, builtIn);
  assert.is((await browser.request('PATCH', '/api/settings', { json: { wordSetId: null } })).body.settings.wordSetId, null);
});

test('unknown keys and bad values are a 400 naming the field, and nothing is saved', async () => {
  const { browser, userId } = await signedInBrowser(env.sidecar);
  await browser.request('PATCH', '/api/settings', { json: { theme: 'paper' } });
  const cases: Array<[unknown, string, string?]> = [
    [{ colour: 'red' }, 'colour', 'is not a known field'],
    [{ theme: 'paper', fontSize: 14 }, 'fontSize', 'is not a known field'],
    [{ sound: { loud: true } }, 'sound.loud', 'is not a known field'],
    [{ theme: 'neon' }, 'theme'],
    [{ mode: 'sprint' }, 'mode'],
    [{ duration: 0 }, 'duration'],
    [{ duration: 301 }, 'duration'],
    [{ duration: '30' }, 'duration'],
    [{ wordCount: 501 }, 'wordCount'],
    [{ view: 'grid' }, 'view'],
    [{ wordSetId: 'english-200' }, 'wordSetId'],
    [{ keyboardLayout: 'qwerty-klingon' }, 'keyboardLayout'],
    [{ sound: { volume: 1.5 } }, 'sound.volume'],
    [{ sound: true }, 'sound'],
    [{ stopOnError: 'yes' }, 'stopOnError'],
    [{ caretStyle: 'wiggle' }, 'caretStyle'],
    [['theme', 'paper'], '(body)'],
  ];
  for (const [json, field, message] of cases) {
    const response = await browser.request('PATCH', '/api/settings', { json });
    assert.is(response.status, 400, JSON.stringify([json, response.body]));
    assert.is(response.body.error.code, 'VALIDATION_FAILED');
    assert.ok(field in response.body.error.details.fields, `${field}: ${JSON.stringify(response.body.error.details)}`);
    if (message) assert.is(response.body.error.details.fields[field], message);
  }
  const stored = (await env.db.pool.query('SELECT settings FROM user_settings WHERE user_id = $1', [userId])).rows[0].settings;
  assert.equal(stored, { theme: 'paper' });
});

test('a saved value that is no longer valid falls back to its default, the others stay', async () => {
  const { browser, userId } = await signedInBrowser(env.sidecar);
  await env.db.pool.query(`INSERT INTO user_settings (user_id, settings) VALUES ($1, '{"theme":"retired-theme","duration":45,"sound":{"volume":7,"enabled":true},"legacyKey":1}')`, [userId]);
  const read = await browser.get('/api/settings');
  assert.equal(read.body.settings, { ...DEFAULTS, duration: 45, sound: { enabled: true, volume: 0.5 } });
});

test('settings need a token', async () => {
  const stranger = env.sidecar.browser();
  assert.is((await stranger.get('/api/settings')).status, 401);
  assert.is((await stranger.request('PATCH', '/api/settings', { json: { theme: 'paper' } })).status, 401);
});

test.run();
