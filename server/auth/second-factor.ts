import { TOTP, Secret } from 'otpauth';
import type pg from 'pg';
import type { KeyRing } from './keys.ts';
import { hashToken } from './secrets.ts';
import { decryptSecret } from './totp-crypto.ts';

/** A user's second factor, as the login, reset and 2FA routes need it. */
export interface SecondFactor {
  isEnabled(userId: string): Promise<boolean>;
  /** A current TOTP code (each accepted once) or an unused backup code (used up). */
  verify(userId: string, code: string): Promise<boolean>;
}

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
/** Codes from one step before or after are accepted (clock drift), each at most once. */
export const TOTP_WINDOW = 1;

export function totpFor(secretBase32: string, label = 'FingerFlow'): TOTP {
  return new TOTP({ issuer: 'FingerFlow', label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** Backup codes are random (50 bits), so a plain SHA-256 is as good as a slow hash here. */
export function hashBackupCode(code: string): Buffer {
  return hashToken(code.replace(/[\s-]/g, '').toLowerCase());
}

/**
 * The second factor of an account with 2FA enabled: a TOTP code, accepted once (the step it
 * belongs to must be later than the last one used), or a backup code, used up.
 */
export function createSecondFactor(pool: pg.Pool, keys: KeyRing): SecondFactor {
  return {
    async isEnabled(userId) {
      const { rows } = await pool.query('SELECT 1 FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NOT NULL', [userId]);
      return rows.length > 0;
    },
    async verify(userId, code) {
      const clean = code.replace(/\s/g, '');
      if (/^\d{6}$/.test(clean)) return verifyTotp(pool, keys, userId, clean, true);
      const { rowCount } = await pool.query(
        'UPDATE totp_backup_codes SET used_at = now() WHERE id = (SELECT id FROM totp_backup_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL LIMIT 1 FOR UPDATE) RETURNING id',
        [userId, hashBackupCode(clean)],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}

/**
 * Checks a TOTP code against the user's secret (enabled or, for the enabling step, not yet)
 * and records its time step, refusing any step not later than the last one used: a code
 * seen once, replayed within its 90 s of validity, is refused.
 */
export async function verifyTotp(pool: pg.Pool, keys: KeyRing, userId: string, code: string, mustBeEnabled: boolean): Promise<boolean> {
  const { rows } = await pool.query<{ secret_encrypted: Buffer; last_used_step: string | number | null; enabled: boolean }>(
    'SELECT secret_encrypted, last_used_step, enabled_at IS NOT NULL AS enabled FROM totp_secrets WHERE user_id = $1',
    [userId],
  );
  const row = rows[0];
  if (!row || (mustBeEnabled && !row.enabled)) return false;
  const totp = totpFor(decryptSecret(keys.key('totp-encryption'), row.secret_encrypted));
  const delta = totp.validate({ token: code, window: TOTP_WINDOW });
  if (delta === null) return false;
  const step = Math.floor(Date.now() / 1000 / TOTP_PERIOD) + delta;
  const { rowCount } = await pool.query(
    'UPDATE totp_secrets SET last_used_step = $2 WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2)',
    [userId, step],
  );
  return (rowCount ?? 0) > 0;
}
