// Step 2 of a SECRET_KEY rotation (`make rotate-secret` runs it in the migrate container):
// with the new SECRET_KEY and the old one in SECRET_KEY_PREVIOUS, re-encrypts every stored
// TOTP secret with the new key. `--check` only counts what still needs the old key; it
// exits 3 when something does, so the last step (dropping SECRET_KEY_PREVIOUS) can refuse.
import pg from 'pg';
import { configFromProcess } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { KeyRing } from '../auth/keys.ts';
import { reencryptTotpSecrets } from '../auth/reencrypt-secrets.ts';
import { failStart } from './fail.ts';

const usage = 'usage: rotate-secret.ts [--check]   (needs DATABASE_URL or POSTGRES_*, SECRET_KEY, SECRET_KEY_PREVIOUS)';
const args = process.argv.slice(2);
if (args.some((a) => a !== '--check')) {
  console.error(usage);
  process.exit(2);
}
const dryRun = args.includes('--check');
try {
  const config = configFromProcess({ cwd: process.cwd() });
  const log = createLogger({ level: config.logLevel, service: 'fingerflow-rotate-secret' });
  if (!config.databaseUrl) {
    console.error('rotate-secret: needs DATABASE_URL (or POSTGRES_* in production): it works on the deployment database');
    process.exit(2);
  }
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const ring = new KeyRing(config.secretKey, config.previousSecretKeys);
    const result = await reencryptTotpSecrets(client, ring.key('totp-encryption'), { dryRun });
    const figures = { ...result, previousKeys: config.previousSecretKeys.length };
    if (dryRun) log.info({ event: 'secret_rotation_checked', ...figures }, 'stored secrets checked against the key ring');
    else log.info({ event: 'secret_rotation_reencrypted', ...figures }, 'stored secrets re-encrypted with the current SECRET_KEY');
    if (result.unreadable > 0) {
      log.error({ event: 'secret_rotation_unreadable', unreadable: result.unreadable }, 'some stored 2FA secrets open with no key of the ring: was SECRET_KEY_PREVIOUS set to the key they were written with?');
      process.exitCode = 1;
    } else if (dryRun && result.reencrypted > 0) {
      process.exitCode = 3;
    }
  } finally {
    await client.end();
  }
} catch (error) {
  failStart(error, 'rotate-secret');
}
