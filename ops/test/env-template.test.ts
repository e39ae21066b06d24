// .env.production.template: every variable the server reads, each explained, secrets empty.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envSchema } from '../../server/config/schema.ts';
import { loadConfig } from '../../server/config/index.ts';
import { loadCompose } from './compose-model.ts';
import { REPO_ROOT } from './support.ts';

interface Entry {
  name: string;
  value: string;
  active: boolean;
  comment: string;
}

const TEMPLATE = fs.readFileSync(path.join(REPO_ROOT, '.env.production.template'), 'utf8');
const VARIABLE = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/;

/** Each `VAR=value` or `# VAR=value` line, with the comment line just above it. */
function entries(): Entry[] {
  const lines = TEMPLATE.split('\n');
  const found: Entry[] = [];
  lines.forEach((line, i) => {
    const match = VARIABLE.exec(line);
    if (!match) return;
    const above = lines[i - 1] ?? '';
    found.push({ name: match[2]!, value: match[3]!, active: !match[1], comment: above.startsWith('# ') && !VARIABLE.test(above) ? above.slice(2) : '' });
  });
  return found;
}

const SCHEMA_VARIABLES = Object.keys(envSchema.shape);
const SECRETS = ['SECRET_KEY', 'SECRET_KEY_PREVIOUS', 'METRICS_TOKEN', 'POSTGRES_PASSWORD', 'GOOGLE_CLIENT_SECRET', 'SMTP_PASSWORD', 'DATABASE_URL', 'LOADTEST_TOKEN'];
const REQUIRED = ['DOMAIN', 'SECRET_KEY', 'POSTGRES_PASSWORD', 'TRUSTED_PROXIES'];
const COMPOSE_ONLY = ['INGEST_REPLICAS', 'TRAEFIK_CERT_RESOLVER', 'COMPOSE_FILE', 'COMPOSE_PROJECT_NAME', 'FINGERFLOW_TAG'];
// Active with its value: plain `docker compose` commands in the checkout need it (the seed's runbooks).
const ACTIVE_WITH_VALUE: Record<string, string> = { COMPOSE_FILE: 'docker-compose.prod.yml' };

test('every variable of server/config/schema.ts is in the template, once', () => {
  assert.ok(SCHEMA_VARIABLES.length > 40, 'the schema was not read');
  const names = entries().map((e) => e.name);
  const missing = SCHEMA_VARIABLES.filter((v) => !names.includes(v));
  assert.equal(missing, [], `missing from .env.production.template: ${missing.join(', ')}`);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  assert.equal(twice, [], `listed twice: ${twice.join(', ')}`);
  for (const name of COMPOSE_ONLY) assert.ok(names.includes(name), `${name} (compose) is missing`);
  const unknown = names.filter((n) => !SCHEMA_VARIABLES.includes(n) && !COMPOSE_ONLY.includes(n));
  assert.equal(unknown, [], `the template lists variables nothing reads: ${unknown.join(', ')}`);
});

test('each variable has a comment giving its meaning and its default', () => {
  for (const entry of entries()) {
    assert.ok(entry.comment.length > 15, `${entry.name} has no comment line above it`);
    assert.match(entry.comment, /Default: |no default|No default/, `${entry.name}: the comment names no default`);
  }
});

test('secrets have no value; the required settings are the only active lines', () => {
  const all = entries();
  for (const name of SECRETS) {
    const entry = all.find((e) => e.name === name)!;
    assert.is(entry.value, '', `${name} must not come with a value`);
  }
  assert.equal(all.filter((e) => e.active).map((e) => e.name).sort(), [...REQUIRED, ...Object.keys(ACTIVE_WITH_VALUE)].sort());
  for (const [name, value] of Object.entries(ACTIVE_WITH_VALUE)) {
    assert.is(all.find((e) => e.name === name)!.value, value, name);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, value)), `${name}=${value} names no file`);
  }
  // An optional line left active and empty would set "" (EMAIL_PROVIDER="" is invalid);
  // the template keeps every optional line commented out.
  for (const entry of all.filter((e) => !e.active && !SECRETS.includes(e.name) && !['SMTP_USERNAME'].includes(e.name))) {
    assert.ok(entry.value !== '', `${entry.name}: show the default as the example value`);
  }
});

test('the template, filled in and uncommented as it stands, gives a valid production configuration', () => {
  // Uncomment every optional line as written (an operator who does so changes nothing but
  // the examples), fill the required ones, and load it the way the sidecar container would.
  const env: Record<string, string> = {};
  for (const entry of entries()) if (entry.value !== '') env[entry.name] = entry.value;
  Object.assign(env, { DOMAIN: 'fingerflow.example.com', SECRET_KEY: 's'.repeat(48), POSTGRES_PASSWORD: 'pw', TRUSTED_PROXIES: '172.30.0.2' });
  const sidecar = loadCompose(env).services.sidecar!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-template-'));
  try {
    const config = loadConfig({ ...env, ...sidecar.environment }, { cwd: dir });
    assert.is(config.production, true);
    assert.is(config.httpPort, 8080);
    assert.is(config.email.provider, 'smtp');
    assert.is(config.publicUrl, 'https://fingerflow.example.com');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
