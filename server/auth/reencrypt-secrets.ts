import type pg from 'pg';
import type { KeyObject } from 'node:crypto';
import { decryptSecretWithKeyIndex, encryptSecret } from './totp-crypto.ts';

export interface ReencryptResult {
  /** Stored TOTP secrets looked at. */
  checked: number;
  /** Encrypted with a previous key, now with the current one. */
  reencrypted: number;
  /** Readable with no key of the ring: the secret they were written with is lost. */
  unreadable: number;
}

/**
 * After a SECRET_KEY rotation: re-encrypts every stored TOTP secret that only a previous key
 * opens, so that SECRET_KEY_PREVIOUS can then be dropped. Row by row, compare-and-set on the
 * old ciphertext (a user setting up 2FA meanwhile keeps what they wrote). Idempotent.
 * `dryRun` counts without writing (`rotate-secret --check`).
 */
export async function reencryptTotpSecrets(db: pg.Pool | pg.Client, key: KeyObject, options: { dryRun?: boolean } = {}): Promise<ReencryptResult> {
  const { rows } = await db.query<{ user_id: string; secret_encrypted: Buffer }>('SELECT user_id, secret_encrypted FROM totp_secrets ORDER BY user_id');
  const result: ReencryptResult = { checked: rows.length, reencrypted: 0, unreadable: 0 };
  for (const row of rows) {
    let opened: { plain: string; keyIndex: number };
    try {
      opened = decryptSecretWithKeyIndex(key, row.secret_encrypted);
    } catch {
      result.unreadable++;
      continue;
    }
    if (opened.keyIndex === 0) continue;
    if (options.dryRun) {
      result.reencrypted++;
      continue;
    }
    const { rowCount } = await db.query('UPDATE totp_secrets SET secret_encrypted = $3 WHERE user_id = $1 AND secret_encrypted = $2', [row.user_id, row.secret_encrypted, encryptSecret(key, opened.plain)]);
    result.reencrypted += rowCount ?? 0;
  }
  return result;
}
