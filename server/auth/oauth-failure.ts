/**
 * Why a sign-in through a provider did not complete. `code` is what the browser is shown
 * (`/login?error=CODE`); `reason` is the detail for the `oauth_failed` log line only.
 */
export type OAuthErrorCode =
  | 'OAUTH_STATE_INVALID' // missing, unknown, reused, or started in another browser
  | 'OAUTH_STATE_EXPIRED' // the round trip took longer than 10 minutes
  | 'OAUTH_DENIED' // the user (or the provider) refused the request
  | 'OAUTH_PROVIDER_ERROR' // discovery, keys or the code exchange failed
  | 'OAUTH_ID_TOKEN_INVALID' // signature, issuer, audience, expiry or nonce wrong
  | 'OAUTH_EMAIL_UNVERIFIED' // the provider does not vouch for the email
  | 'OAUTH_ACCOUNT_EXISTS' // an account has this address: sign in to it and link Google from the settings
  | 'OAUTH_IDENTITY_TAKEN' // (linking) this Google account is linked to another FingerFlow account
  | 'OAUTH_EMAIL_TAKEN' // (linking, anonymous typist) another account has the Google address
  | 'OAUTH_FAILED'; // our own fault

export class OAuthFailure extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = 'OAuthFailure';
  }
}
