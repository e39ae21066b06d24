import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/**
 * One secret (SECRET_KEY) and a separate key per purpose, derived with HKDF, so that a token
 * signed for one purpose can never verify as another even if every other check were missed.
 */
export type KeyPurpose = 'access' | 'login-2fa' | 'csrf' | 'totp-encryption' | 'oauth-state' | 'unsubscribe' | 'device';

export class KeyRing {
  private readonly keys = new Map<KeyPurpose, KeyObject>();

  constructor(private readonly secret: string) {}

  key(purpose: KeyPurpose): KeyObject {
    let key = this.keys.get(purpose);
    if (!key) {
      key = createSecretKey(Buffer.from(hkdfSync('sha256', this.secret, 'fingerflow', purpose, 32)));
      this.keys.set(purpose, key);
    }
    return key;
  }
}
