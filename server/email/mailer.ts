import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/index.ts';
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
 * message is logged and written to <dataDir>/mail/, so someone running FingerFlow on a laptop
 * can open the verification link without a mail server.
 */
export function createMailer(config: Config, log: Logger): Mailer {
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
      log.info({ event: 'email_written', kind: mail.kind, provider: 'console', file }, `${mail.subject} (no SMTP configured): ${file}\n${mail.text}`);
    },
  };
}
