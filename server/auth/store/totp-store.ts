import type pg from 'pg';
import { inTransaction } from '../../db/transaction.ts';
import type { Queryable } from '../../db/queryable.ts';

export type TotpState = { kind: 'none' } | { kind: 'pending'; secretEncrypted: Buffer } | { kind: 'enabled' };

/** Where the account is in setting up 2FA. */
export async function totpState(db: Queryable, userId: string): Promise<TotpState> {
  const { rows } = await db.query<{ secret_encrypted: Buffer; enabled: boolean }>(
    'SELECT secret_encrypted, enabled_at IS NOT NULL AS enabled FROM totp_secrets WHERE user_id = $1',
    [userId],
  );
  const row = rows[0];
  if (!row) return { kind: 'none' };
  return row.enabled ? { kind: 'enabled' } : { kind: 'pending', secretEncrypted: row.secret_encrypted };
}

/**
 * Stores a new, unconfirmed secret, replacing an unconfirmed one (a second scan of a fresh
 * QR code); false when 2FA is already enabled, which this never overwrites.
 */
export async function saveUnconfirmedSecret(db: Queryable, userId: string, secretEncrypted: Buffer): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO totp_secrets (user_id, secret_encrypted) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, last_used_step = NULL, created_at = now()
       WHERE totp_secrets.enabled_at IS NULL`,
    [userId, secretEncrypted],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Enables the secret the user just proved with a code, with a fresh set of backup codes.
 * Compare-and-set on the stored secret: if a concurrent setup replaced it after the code
 * was checked, the new (unproven) secret is not enabled and this returns false.
 */
export async function enableWithBackupCodes(pool: pg.Pool, userId: string, provenSecret: Buffer, codeHashes: Buffer[]): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'UPDATE totp_secrets SET enabled_at = now() WHERE user_id = $1 AND enabled_at IS NULL AND secret_encrypted = $2',
      [userId, provenSecret],
    );
    if (!rowCount) return false;
    await insertBackupCodes(client, userId, codeHashes);
    return true;
  });
}

/** Replaces every backup code of an account with 2FA enabled; false when it is not enabled. */
export async function replaceBackupCodes(pool: pg.Pool, userId: string, codeHashes: Buffer[]): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const enabled = await client.query('SELECT 1 FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NOT NULL FOR UPDATE', [userId]);
    if (!enabled.rowCount) return false;
    await insertBackupCodes(client, userId, codeHashes);
    return true;
  });
}

/** Turns 2FA off: the secret and every backup code go. */
export async function deleteSecondFactor(pool: pg.Pool, userId: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('DELETE FROM totp_backup_codes WHERE user_id = $1', [userId]);
    await client.query('DELETE FROM totp_secrets WHERE user_id = $1', [userId]);
  });
}

async function insertBackupCodes(client: pg.PoolClient, userId: string, codeHashes: Buffer[]): Promise<void> {
  await client.query('DELETE FROM totp_backup_codes WHERE user_id = $1', [userId]);
  await client.query('INSERT INTO totp_backup_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])', [userId, codeHashes]);
}
