import { createHash, randomBytes } from 'node:crypto';

export interface AuthorizationSecrets {
  /** Sent as `state`; ties the callback to the request we started (stored hashed). */
  state: string;
  /** PKCE (RFC 7636): kept server-side, only its S256 challenge travels through the browser. */
  codeVerifier: string;
  codeChallenge: string;
  /** Must come back inside the signed ID token: the token was minted for this request. */
  nonce: string;
}

/** Fresh random values for one authorization request: 256 bits each. */
export function newAuthorizationSecrets(): AuthorizationSecrets {
  const codeVerifier = randomBytes(32).toString('base64url'); // 43 characters, as RFC 7636 asks
  return {
    state: randomBytes(32).toString('base64url'),
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier, 'ascii').digest('base64url'),
    nonce: randomBytes(32).toString('base64url'),
  };
}
