import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { Writable } from 'node:stream';
import { createMailer } from './mailer.ts';
import { verificationMail } from './templates.ts';
import { startSmtpCapture } from '../test/support/smtp-capture.ts';

const logLines: string[] = [];
const log = createLogger({ service: 'test', level: 'info', destination: new Writable({ write: (c, _e, cb) => { logLines.push(String(c)); cb(); } }) });

test('without SMTP a mail is written to the data folder, and the log names the file but never shows the link', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-mail-'));
  const config = loadConfig({ SECRET_KEY: 'k'.repeat(40), DATA_DIR: dir });
  assert.is(config.email.provider, 'console');
  await createMailer(config, log).send(verificationMail('ada@example.com', 'http://localhost:8080/verify?token=abc123'));
  const files = fs.readdirSync(path.join(dir, 'mail'));
  assert.is(files.length, 1);
  assert.match(files[0]!, /email_verification\.txt$/);
  const text = fs.readFileSync(path.join(dir, 'mail', files[0]!), 'utf8');
  assert.match(text, /To: ada@example.com/);
  assert.match(text, /verify\?token=abc123/);
  assert.ok(logLines.some((l) => l.includes('"event":"email_written"') && l.includes(files[0]!)));
  assert.not.ok(logLines.some((l) => l.includes('abc123')), 'a link reached the log');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('with SMTP configured the mail goes to the server from the configured sender', async () => {
  const smtp = await startSmtpCapture();
  try {
    const config = loadConfig({ SECRET_KEY: 'k'.repeat(40), EMAIL_PROVIDER: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_USE_TLS: 'false', EMAIL_FROM: 'noreply@typing.example', EMAIL_FROM_NAME: 'FingerFlow' });
    await createMailer(config, log).send(verificationMail('bob@example.com', 'https://typing.example/verify?token=xyz'));
    const mail = await smtp.next('bob@example.com');
    assert.match(mail.subject, /Confirm your FingerFlow email/);
    assert.match(mail.text, /verify\?token=xyz/);
  } finally {
    await smtp.close();
  }
});

test('production refuses the file mailer unless EMAIL_PROVIDER=console chooses it', () => {
  const production = { NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(40), DATABASE_URL: 'postgres://u:p@db/ff', DOMAIN: 'typing.example' };
  assert.throws(() => createMailer(loadConfig(production, { cwd: os.tmpdir() }), log), /EMAIL_PROVIDER/);
  assert.ok(createMailer(loadConfig({ ...production, EMAIL_PROVIDER: 'console' }, { cwd: os.tmpdir() }), log));
});

test.run();
