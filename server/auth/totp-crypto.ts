import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { previousKeys } from './keys.ts';

/** TOTP secrets are stored encrypted (AES-256-GCM): a database dump alone cannot mint codes. */
export function encryptSecret(key: KeyObject, secretBase32: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(secretBase32, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/**
 * Decrypts with `key`, or, after a SECRET_KEY rotation, with the key of a previous secret
 * (GCM's tag tells which one encrypted it). Throws when none does.
 */
export function decryptSecret(key: KeyObject, stored: Buffer): string {
  return decryptSecretWithKeyIndex(key, stored).plain;
}

/** As decryptSecret, also saying which key worked: 0 the current one, 1+ a previous one. */
export function decryptSecretWithKeyIndex(key: KeyObject, stored: Buffer): { plain: string; keyIndex: number } {
  const candidates = [key, ...previousKeys(key)];
  let lastError: unknown;
  for (const [keyIndex, candidate] of candidates.entries()) {
    try {
      return { plain: decryptWith(candidate, stored), keyIndex };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function decryptWith(key: KeyObject, stored: Buffer): string {
  const iv = stored.subarray(0, 12);
  const tag = stored.subarray(12, 28);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(stored.subarray(28)), decipher.final()]).toString('utf8');
}
