import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/**
 * One secret (SECRET_KEY) and a separate key per purpose, derived with HKDF, so that a token
 * signed for one purpose can never verify as another even if every other check were missed.
 */
export type KeyPurpose = 'access' | 'login-2fa' | 'csrf' | 'totp-encryption' | 'oauth-state' | 'unsubscribe' | 'device';

/**
 * Keys derived from earlier secrets, by the current key they stand behind. Rotating
 * SECRET_KEY keeps the old one as SECRET_KEY_PREVIOUS for a while: what was encrypted with
 * it (stored TOTP secrets) must still decrypt until `rotate-secret` re-encrypted it. The
 * decrypting code asks `previousKeys(key)` for them, so callers keep passing one key.
 */
const previousByKey = new WeakMap<KeyObject, readonly KeyObject[]>();

export function previousKeys(key: KeyObject): readonly KeyObject[] {
  return previousByKey.get(key) ?? [];
}

function derive(secret: string, purpose: KeyPurpose): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'fingerflow', purpose, 32)));
}

export class KeyRing {
  private readonly keys = new Map<KeyPurpose, KeyObject>();

  /** `previous`: earlier secrets still accepted for decryption, newest first. */
  constructor(
    private readonly secret: string,
    private readonly previous: readonly string[] = [],
  ) {}

  /** The key to sign and encrypt with, derived from the current secret. */
  key(purpose: KeyPurpose): KeyObject {
    let key = this.keys.get(purpose);
    if (!key) {
      key = derive(this.secret, purpose);
      previousByKey.set(key, this.previous.filter((s) => s !== this.secret).map((s) => derive(s, purpose)));
      this.keys.set(purpose, key);
    }
    return key;
  }
}
