// ops/scripts/rotate-secret.sh (make rotate-secret) on a stand-in docker: what it does to
// .env and which commands it runs. The key ring and the re-encryption themselves are tested
// against a real sidecar and PostgreSQL in server/test/secret-rotation.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fakeDeployment } from './fake-docker.ts';
import { run, runScript } from './support.ts';

const OLD = 'a'.repeat(64);

function envOf(file: string): Record<string, string> {
  return Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('start: new key, old kept as SECRET_KEY_PREVIOUS and in a copy of .env, restart, re-encrypt; refuses a second start', async () => {
  const fake = fakeDeployment({ healthyTags: [''], images: [] });
  const envFile = path.join(fake.dir, '.env');
  fs.writeFileSync(envFile, `DOMAIN=typing.example.org\nSECRET_KEY=${OLD}\nPOSTGRES_PASSWORD=pw\n`, { mode: 0o600 });
  try {
    const result = await runScript('rotate-secret.sh', [], fake.env());
    assert.is(result.code, 0, result.stdout + result.stderr);
    const env = envOf(envFile);
    assert.match(env.SECRET_KEY!, /^[0-9a-f]{64}$/);
    assert.is.not(env.SECRET_KEY, OLD);
    assert.is(env.SECRET_KEY_PREVIOUS, OLD);
    assert.is(env.DOMAIN, 'typing.example.org', 'other settings kept');
    assert.is(fs.statSync(envFile).mode & 0o777, 0o600);
    const copy = fs.readdirSync(fake.dir).find((f) => f.startsWith('.env.before-rotation-'))!;
    assert.ok(copy, 'no copy of .env');
    assert.is(envOf(path.join(fake.dir, copy)).SECRET_KEY, OLD);
    const calls = fake.calls().map((c) => c.split('|')[1]!);
    const up = calls.findIndex((c) => c.endsWith(' up -d --no-build'));
    const reencrypt = calls.findIndex((c) => c.endsWith(' run --rm --no-deps migrate node --import tsx server/bin/rotate-secret.ts'));
    assert.ok(up >= 0 && reencrypt > up, `restart, then re-encrypt:\n${calls.join('\n')}`);
    assert.match(result.stdout, /make rotate-secret FINISH=yes/);

    const again = await runScript('rotate-secret.sh', [], fake.env());
    assert.is(again.code, 1);
    assert.match(again.stderr, /a rotation is in progress/);
    assert.is(envOf(envFile).SECRET_KEY_PREVIOUS, OLD, 'a refused start changes nothing');
  } finally {
    fake.close();
  }
});

test('finish: refuses while a secret still needs the old key, else drops SECRET_KEY_PREVIOUS and restarts', async () => {
  const fake = fakeDeployment({ healthyTags: [''], images: [] });
  const envFile = path.join(fake.dir, '.env');
  const NEW = 'b'.repeat(64);
  fs.writeFileSync(envFile, `DOMAIN=typing.example.org\nSECRET_KEY=${NEW}\nSECRET_KEY_PREVIOUS=${OLD}\n`, { mode: 0o600 });
  try {
    const pending = await runScript('rotate-secret.sh', ['--finish'], fake.env({ FAKE_CHECK_EXIT: '3' }));
    assert.is(pending.code, 1);
    assert.match(pending.stderr, /still need the previous key/);
    assert.is(envOf(envFile).SECRET_KEY_PREVIOUS, OLD);

    const done = await runScript('rotate-secret.sh', ['--finish'], fake.env());
    assert.is(done.code, 0, done.stdout + done.stderr);
    const env = envOf(envFile);
    assert.is(env.SECRET_KEY, NEW);
    assert.is(env.SECRET_KEY_PREVIOUS, undefined);
    assert.ok(fake.calls().some((c) => c.endsWith(' up -d --no-build')));

    const nothing = await runScript('rotate-secret.sh', ['--finish'], fake.env());
    assert.is(nothing.code, 1);
    assert.match(nothing.stderr, /no rotation in progress/);
    const make = await run('make', ['--no-print-directory', '-n', 'rotate-secret', 'FINISH=yes']);
    assert.match(make.stdout, /ops\/scripts\/rotate-secret\.sh --finish/);
  } finally {
    fake.close();
  }
});

test.run();
