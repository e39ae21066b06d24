import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { ConfigError, type Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** A name for the kind of mail, for logs and file names: "email_verification". */
  kind: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * SMTP from the seed's variables when SMTP is configured; otherwise (the local default) each
 * message is written to <dataDir>/mail/, so someone running FingerFlow on a laptop can open
 * the verification link without a mail server. The log names the file but never carries the
 * message: its links open accounts, and logs are read by more people than mailboxes are.
 * Production refuses the file mailer unless EMAIL_PROVIDER=console says it was meant.
 */
export function createMailer(config: Config, log: Logger): Mailer {
  if (config.production && config.email.provider === 'console' && !config.email.providerChosen) {
    throw new ConfigError('EMAIL_PROVIDER', 'production needs SMTP (SMTP_HOST ...) for account mail; set EMAIL_PROVIDER=console to write mail to files on purpose');
  }
  const from = { name: config.email.fromName, address: config.email.from };
  if (config.email.provider === 'smtp' && config.email.smtp.host) {
    const smtp = config.email.smtp;
    const transport: Transporter = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.useTls && smtp.port === 465,
      requireTLS: smtp.useTls && smtp.port !== 465,
      auth: smtp.username ? { user: smtp.username, pass: smtp.password ?? '' } : undefined,
    });
    return {
      async send(mail) {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
        log.info({ event: 'email_sent', kind: mail.kind, provider: 'smtp' }, `sent ${mail.kind} email`);
      },
    };
  }
  const dir = path.join(config.dataDir, 'mail');
  return {
    async send(mail) {
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.kind}.txt`);
      fs.writeFileSync(file, `From: ${from.name} <${from.address}>\nTo: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`, { mode: 0o600 });
      log.info({ event: 'email_written', kind: mail.kind, provider: 'console', file }, `${mail.subject} (no SMTP configured): open ${file}`);
    },
  };
}

/**
 * Sends mail off the request path: the route answers at once, whatever the mail server's
 * speed, so neither timing nor a slow or failing server tells a caller whether a mail was
 * sent. Failures are logged (the user can ask for the link again). `idle()` lets tests and
 * shutdown wait for the queue to drain.
 */
export function backgroundMailer(inner: Mailer, log: Logger): Mailer & { idle(): Promise<void> } {
  const pending = new Set<Promise<void>>();
  return {
    async send(mail) {
      const sending = inner.send(mail).catch((error: unknown) => {
        log.error({ event: 'email_failed', kind: mail.kind, err: error }, `could not send ${mail.kind} email`);
      });
      pending.add(sending);
      void sending.finally(() => pending.delete(sending));
    },
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
