// Word sets over HTTP: the built-ins for everyone and read-only, one's own to create, edit
// and delete, names unique per owner, and nobody else's visible.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });


const BUILT_INS = ['Code Keywords', 'English 1000', 'English 200', 'Home Row'];

test('the list has the built-ins and my own sets, with counts and without the words', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const before = await browser.get('/api/word-sets');
  assert.is(before.status, 200);
  assert.equal(before.body.wordSets.map((w: { name: string }) => w.name), BUILT_INS);
  const english = before.body.wordSets.find((w: { slug: string }) => w.slug === 'english-200');
  assert.is(english.wordCount, 200);
  assert.is(english.builtIn, true);
  assert.is(english.words, undefined, 'the list carries whole word arrays');
  const other = await signedInBrowser(env.sidecar);
  assert.is((await other.browser.post('/api/word-sets', { name: 'Not yours', words: ['hidden'] })).status, 201);
  assert.is((await browser.post('/api/word-sets', { name: 'Finger Twisters', words: ['sphinx', 'quartz', 'jumbo'] })).status, 201);
  const after = await browser.get('/api/word-sets');
  assert.equal(after.body.wordSets.map((w: { name: string }) => w.name), [...BUILT_INS, 'Finger Twisters']);
  const mine = after.body.wordSets.at(-1);
  assert.equal({ slug: mine.slug, wordCount: mine.wordCount, builtIn: mine.builtIn }, { slug: 'finger-twisters', wordCount: 3, builtIn: false });
});

test('a built-in set is readable in full by anyone but cannot be changed or deleted', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const id = (await env.db.pool.query("SELECT id FROM word_sets WHERE slug = 'home-row' AND owner_id IS NULL")).rows[0].id;
  const read = await browser.get(`/api/word-sets/${id}`);
  assert.is(read.status, 200);
  assert.is(read.body.wordSet.words.length, read.body.wordSet.wordCount);
  assert.ok(read.body.wordSet.words.includes('flask'));
  const edit = await browser.request('PATCH', `/api/word-sets/${id}`, { json: { name: 'Mine now' } });
  assert.is(edit.status, 403);
  assert.is(edit.body.error.code, 'WORD_SET_READ_ONLY');
  const remove = await browser.request('DELETE', `/api/word-sets/${id}`);
  assert.is(remove.status, 403);
  assert.is(remove.body.error.code, 'WORD_SET_READ_ONLY');
  const { rows } = await env.db.pool.query('SELECT name, cardinality(words) AS n FROM word_sets WHERE id = $1', [id]);
  assert.equal(rows[0], { name: 'Home Row', n: read.body.wordSet.wordCount });
});

test('creating a set trims its words and derives the slug; the same name twice is a 409, for another user it is fine', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const created = await browser.post('/api/word-sets', { name: '  Left Hand Only ', words: [' stewardess ', 'ace', 'ace'], description: 'all left', language: 'en-GB' });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const set = created.body.wordSet;
  assert.is(created.headers.get('location'), `/api/word-sets/${set.id}`);
  assert.equal({ name: set.name, slug: set.slug, words: set.words, wordCount: set.wordCount, description: set.description, language: set.language, builtIn: set.builtIn },
    { name: 'Left Hand Only', slug: 'left-hand-only', words: ['stewardess', 'ace', 'ace'], wordCount: 3, description: 'all left', language: 'en-GB', builtIn: false });
  assert.equal((await browser.get(`/api/word-sets/${set.id}`)).body.wordSet, set);
  for (const name of ['Left Hand Only', 'left hand only!', 'LEFT-HAND-ONLY']) {
    const again = await browser.post('/api/word-sets', { name, words: ['other'] });
    assert.is(again.status, 409, name);
    assert.is(again.body.error.code, 'WORD_SET_NAME_TAKEN');
  }
  const other = await signedInBrowser(env.sidecar);
  assert.is((await other.browser.post('/api/word-sets', { name: 'Left Hand Only', words: ['fine'] })).status, 201);
  const count = (await env.db.pool.query("SELECT count(*)::int AS n FROM word_sets WHERE slug = 'left-hand-only'")).rows[0].n;
  assert.is(count, 2);
});

test('editing changes only what is sent; renaming onto another of my sets is a 409', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const a = (await browser.post('/api/word-sets', { name: 'Alpha', words: ['one', 'two'], description: 'first' })).body.wordSet;
  await browser.post('/api/word-sets', { name: 'Beta', words: ['three'] });
  const renamed = await browser.request('PATCH', `/api/word-sets/${a.id}`, { json: { name: 'Alpha Prime' } });
  assert.is(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal({ name: renamed.body.wordSet.name, slug: renamed.body.wordSet.slug, words: renamed.body.wordSet.words, description: renamed.body.wordSet.description },
    { name: 'Alpha Prime', slug: 'alpha-prime', words: ['one', 'two'], description: 'first' });
  const rewritten = await browser.request('PATCH', `/api/word-sets/${a.id}`, { json: { words: ['x', 'y', 'z'] } });
  assert.equal(rewritten.body.wordSet.words, ['x', 'y', 'z']);
  assert.is(rewritten.body.wordSet.name, 'Alpha Prime');
  const clash = await browser.request('PATCH', `/api/word-sets/${a.id}`, { json: { name: 'beta' } });
  assert.is(clash.status, 409);
  assert.is(clash.body.error.code, 'WORD_SET_NAME_TAKEN');
  assert.is((await browser.get(`/api/word-sets/${a.id}`)).body.wordSet.name, 'Alpha Prime');
});

test("another user's set is a 404 for reading, editing and deleting, like a missing one", async () => {
  const owner = await signedInBrowser(env.sidecar);
  const intruder = await signedInBrowser(env.sidecar);
  const id = (await owner.browser.post('/api/word-sets', { name: 'Diary words', words: ['private'] })).body.wordSet.id;
  for (const [method, json] of [['GET', undefined], ['PATCH', { name: 'Stolen' }], ['DELETE', undefined]] as const) {
    const foreign = await intruder.browser.request(method, `/api/word-sets/${id}`, json ? { json } : {});
    const missing = await intruder.browser.request(method, `/api/word-sets/${randomUUID()}`, json ? { json } : {});
    assert.is(foreign.status, 404, method);
    assert.is(foreign.body.error.code, 'WORD_SET_NOT_FOUND');
    assert.equal(foreign.body, missing.body);
  }
  assert.is((await owner.browser.get(`/api/word-sets/${id}`)).body.wordSet.name, 'Diary words');
});

test('deleting my set removes it, forgets it in my settings and keeps the sessions typed from it', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const id = (await browser.post('/api/word-sets', { name: 'Short lived', words: ['brief'] })).body.wordSet.id;
  assert.is((await browser.request('PATCH', '/api/settings', { json: { wordSetId: id, theme: 'paper' } })).status, 200);
  const session = (await browser.post('/api/sessions', { mode: 'words', config: { wordCount: 5 }, wordSetId: id })).body.session;
  assert.is(session.wordSetId, id);
  assert.is((await browser.request('DELETE', `/api/word-sets/${id}`)).status, 204);
  assert.is((await browser.get(`/api/word-sets/${id}`)).status, 404);
  assert.is((await browser.request('DELETE', `/api/word-sets/${id}`)).status, 404);
  const settings = (await browser.get('/api/settings')).body.settings;
  assert.is(settings.wordSetId, null);
  assert.is(settings.theme, 'paper');
  const kept = await browser.get(`/api/sessions/${session.id}`);
  assert.is(kept.status, 200);
  assert.is(kept.body.session.wordSetId, null);
});

test('bad word sets are a 400 naming the field; 10,000 words fit, 10,001 do not', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const cases: Array<[unknown, string]> = [
    [{ words: ['a'] }, 'name'],
    [{ name: '   ', words: ['a'] }, 'name'],
    [{ name: 'x'.repeat(101), words: ['a'] }, 'name'],
    [{ name: 'tab\there', words: ['a'] }, 'name'],
    [{ name: 'Empty', words: [] }, 'words'],
    [{ name: 'Spaces', words: ['ok', 'two words'] }, 'words.1'],
    [{ name: 'Blank', words: ['   '] }, 'words.0'],
    [{ name: 'Long', words: ['x'.repeat(41)] }, 'words.0'],
    [{ name: 'Nul', words: ['a\u0000b'] }, 'words.0'],
    [{ name: 'Number', words: [42] }, 'words.0'],
    [{ name: 'Too many', words: Array.from({ length: 10_001 }, () => 'a') }, 'words'],
    [{ name: 'Lang', words: ['a'], language: 'English' }, 'language'],
    [{ name: 'Desc', words: ['a'], description: 'x'.repeat(501) }, 'description'],
    [{ name: 'Extra', words: ['a'], isPublic: true }, 'isPublic'],
  ];
  for (const [body, field] of cases) {
    const response = await browser.post('/api/word-sets', body);
    assert.is(response.status, 400, JSON.stringify([body, response.body]).slice(0, 300));
    assert.is(response.body.error.code, 'VALIDATION_FAILED');
    assert.ok(field in response.body.error.details.fields, `${field}: ${JSON.stringify(response.body.error.details)}`);
  }
  const big = await browser.post('/api/word-sets', { name: 'Ten thousand', words: Array.from({ length: 10_000 }, (_, i) => (i % 2 ? 'ab' : 'ba')) });
  assert.is(big.status, 201, JSON.stringify(big.body).slice(0, 300));
  assert.is(big.body.wordSet.wordCount, 10_000);
  const id = big.body.wordSet.id;
  const emptyPatch = await browser.request('PATCH', `/api/word-sets/${id}`, { json: {} });
  assert.is(emptyPatch.status, 400);
  const badPatch = await browser.request('PATCH', `/api/word-sets/${id}`, { json: { words: ['fine', 'not fine'] } });
  assert.is(badPatch.status, 400);
  assert.ok('words.1' in badPatch.body.error.details.fields);
  assert.is((await browser.get('/api/word-sets/not-a-uuid')).status, 400);
  assert.is((await browser.get(`/api/word-sets/${id}`)).body.wordSet.wordCount, 10_000, 'a refused edit changed the set');
});

test('word sets need a token; an anonymous typist can read them but not save their own', async () => {
  const stranger = env.sidecar.browser();
  for (const [method, path] of [['GET', '/api/word-sets'], ['POST', '/api/word-sets'], ['GET', `/api/word-sets/${randomUUID()}`], ['PATCH', `/api/word-sets/${randomUUID()}`], ['DELETE', `/api/word-sets/${randomUUID()}`]] as const) {
    const response = await stranger.request(method, path, method === 'POST' || method === 'PATCH' ? { json: { name: 'x', words: ['x'] } } : {});
    assert.is(response.status, 401, `${method} ${path}`);
  }
  const guest = env.sidecar.browser();
  const anonymous = await guest.post('/api/anonymous');
  assert.is(anonymous.status, 201);
  guest.accessToken = anonymous.body.accessToken;
  assert.is((await guest.get('/api/word-sets')).body.wordSets.length, BUILT_INS.length);
  const refused = await guest.post('/api/word-sets', { name: 'Guest list', words: ['hello'] });
  assert.is(refused.status, 403);
  assert.is(refused.body.error.code, 'ACCOUNT_REQUIRED');
});

test.run();
