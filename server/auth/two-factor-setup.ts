import { randomInt } from 'node:crypto';
import { Secret } from 'otpauth';
import { totpFor } from './second-factor.ts';

export const BACKUP_CODE_COUNT = 10;
// RFC 4648 base32 in lower case: 5 bits a character, and nothing to confuse with a TOTP code.
const BACKUP_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const BACKUP_HALF = 5;

/** A new TOTP secret: 20 random bytes (the 160 bits RFC 4226 recommends for SHA-1), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator app reads from the QR code: issuer FingerFlow, label the email. */
export function otpauthUri(secretBase32: string, email: string): string {
  return totpFor(secretBase32, email).toString();
}

/**
 * One-time backup codes such as `k3pqz-7mwta`: 10 random base32 characters, 50 bits, enough
 * that guessing one within the login rate limit and lockout is hopeless. Shown once; only
 * their hashes (hashBackupCode) are stored.
 */
export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  const half = () => Array.from({ length: BACKUP_HALF }, () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => `${half()}-${half()}`);
}
