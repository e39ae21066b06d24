import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { redactedSummary } from './summary.ts';

const made: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-config-'));
  made.push(dir);
  return dir;
};
test.after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const strongSecret = 'a'.repeat(20) + 'b'.repeat(20);

function problem(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, { cwd: tmp() });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('defaults give a runnable local configuration', () => {
  const dir = tmp();
  const config = loadConfig({}, { cwd: dir });
  assert.is(config.httpPort, 8080);
  assert.is(config.ingestPort, 8081);
  assert.is(config.host, '127.0.0.1');
  assert.is(config.databaseUrl, undefined);
  assert.is(config.dataDir, path.join(dir, '.data'));
  assert.is(config.publicUrl, 'http://localhost:8080');
  assert.ok(config.allowedOrigins.includes('http://localhost:8080'));
  assert.is(config.security.maxLoginAttempts, 5);
  assert.is(config.security.lockoutMinutes, 15);
  assert.is(config.security.lockoutResetMinutes, 60);
  assert.is(config.security.httpsRedirect, false);
  assert.is(config.email.provider, 'console');
});

test('a bad value names its variable', () => {
  const error = problem({ PORT: 'abc' });
  assert.is(error.variable, 'PORT');
  assert.match(error.message, /PORT: expected a whole number, got "abc"/);
  assert.is(problem({ INGEST_PORT: '70000' }).variable, 'INGEST_PORT');
  assert.is(problem({ CSRF_PROTECTION_ENABLED: 'maybe' }).variable, 'CSRF_PROTECTION_ENABLED');
  assert.is(problem({ LOG_LEVEL: 'loud' }).variable, 'LOG_LEVEL');
  assert.is(problem({ DATABASE_URL: 'not a url' }).variable, 'DATABASE_URL');
  assert.is(problem({ NODE_ENV: 'staging' }).variable, 'NODE_ENV');
});

test('production refuses a missing, placeholder or short SECRET_KEY', () => {
  const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db/ff' };
  assert.match(problem(base).message, /SECRET_KEY: is required in production/);
  assert.match(problem({ ...base, SECRET_KEY: 'changeme' }).message, /placeholder/);
  assert.match(problem({ ...base, SECRET_KEY: '<PASTE_GENERATED_SECRET_KEY_HERE>' }).message, /placeholder/);
  assert.match(problem({ ...base, SECRET_KEY: 'short-but-not-a-default' }).message, /at least 32/);
  const config = loadConfig({ ...base, SECRET_KEY: strongSecret }, { cwd: tmp() });
  assert.is(config.secretKey, strongSecret);
  assert.is(config.host, '0.0.0.0');
  assert.equal(config.allowedOrigins, ['https://localhost']);
});

test('production builds the database URL from POSTGRES_* or asks for one', () => {
  assert.is(problem({ NODE_ENV: 'production', SECRET_KEY: strongSecret }).variable, 'DATABASE_URL');
  const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: strongSecret, POSTGRES_PASSWORD: 'p@ss/word', DOMAIN: 'typing.example' }, { cwd: tmp() });
  assert.is(config.databaseUrl, 'postgres://fingerflow:p%40ss%2Fword@postgres:5432/fingerflow');
  assert.is(config.publicUrl, 'https://typing.example');
});

test('locally a secret is generated once and kept in the data folder', () => {
  const dir = tmp();
  const first = loadConfig({}, { cwd: dir });
  assert.is(first.secretKeySource, 'generated');
  assert.ok(first.secretKey.length >= 32);
  const file = path.join(dir, '.data', 'secret_key');
  assert.is(fs.statSync(file).mode & 0o777, 0o600);
  const second = loadConfig({}, { cwd: dir });
  assert.is(second.secretKeySource, 'data-dir');
  assert.is(second.secretKey, first.secretKey);
});

test('the seed .env values are understood', () => {
  const config = loadConfig({
    LOG_LEVEL: 'INFO', CSRF_PROTECTION_ENABLED: 'true', HTTPS_REDIRECT_ENABLED: 'false', SECURITY_HEADERS_ENABLED: 'true',
    AUTH_RATE_LIMIT_ENABLED: 'true', MAX_LOGIN_ATTEMPTS: '7', LOCKOUT_DURATION_MINUTES: '20', LOCKOUT_RESET_AFTER_MINUTES: '90',
    EMAIL_PROVIDER: 'smtp', SMTP_HOST: 'smtp.example', SMTP_PORT: '2525', SMTP_USERNAME: 'u', SMTP_PASSWORD: 'p', SMTP_USE_TLS: 'false',
    GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'shh', ALLOWED_ORIGINS: 'https://a.example/, https://b.example',
  }, { cwd: tmp() });
  assert.is(config.logLevel, 'info');
  assert.is(config.security.maxLoginAttempts, 7);
  assert.is(config.email.provider, 'smtp');
  assert.is(config.email.smtp.port, 2525);
  assert.is(config.email.smtp.useTls, false);
  assert.equal(config.allowedOrigins, ['https://a.example', 'https://b.example']);
  assert.is(loadConfig({ LOG_LEVEL: 'WARNING' }, { cwd: tmp() }).logLevel, 'warn');
});

test('the public ingest URL follows the ingest port locally and the domain in production, or is set', () => {
  assert.is(loadConfig({}, { cwd: tmp() }).ingestPublicUrl, 'ws://localhost:8081/ws');
  assert.is(loadConfig({ INGEST_PORT: '9091' }, { cwd: tmp() }).ingestPublicUrl, 'ws://localhost:9091/ws');
  const production = { NODE_ENV: 'production', SECRET_KEY: strongSecret, DATABASE_URL: 'postgres://u:p@db/ff', DOMAIN: 'typing.example' };
  assert.is(loadConfig(production, { cwd: tmp() }).ingestPublicUrl, 'wss://typing.example/ws');
  assert.is(loadConfig({ ...production, INGEST_PUBLIC_URL: 'wss://ingest.typing.example/ws' }, { cwd: tmp() }).ingestPublicUrl, 'wss://ingest.typing.example/ws');
  assert.is(problem({ INGEST_PUBLIC_URL: 'not a url' }).variable, 'INGEST_PUBLIC_URL');
  const http = problem({ INGEST_PUBLIC_URL: 'https://typing.example/ws' });
  assert.is(http.variable, 'INGEST_PUBLIC_URL');
  assert.match(http.message, /ws:\/\/ or wss:\/\//);
});

test('TRUSTED_PROXIES takes addresses and CIDR ranges, and names a bad entry', () => {
  assert.equal(loadConfig({ TRUSTED_PROXIES: '10.0.0.1, 172.18.0.0/16,::1' }, { cwd: tmp() }).security.trustedProxies, ['10.0.0.1', '172.18.0.0/16', '::1']);
  assert.is(problem({ TRUSTED_PROXIES: 'traefik' }).variable, 'TRUSTED_PROXIES');
  assert.is(problem({ TRUSTED_PROXIES: '10.0.0.0/33' }).variable, 'TRUSTED_PROXIES');
});

test('the logged summary never contains a secret', () => {
  const config = loadConfig({ SECRET_KEY: strongSecret, DATABASE_URL: 'postgres://ff:hunter2hunter2@db:5432/ff', SMTP_PASSWORD: 'smtp-secret', GOOGLE_CLIENT_SECRET: 'google-secret' }, { cwd: tmp() });
  const text = JSON.stringify(redactedSummary(config));
  for (const secret of [strongSecret, 'hunter2hunter2', 'smtp-secret', 'google-secret']) assert.not.ok(text.includes(secret), `${secret} leaked`);
  assert.ok(text.includes('db:5432'));
});

test.run();
