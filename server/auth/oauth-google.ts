import jwt from 'jsonwebtoken';
import { hashToken, safeEqual } from './secrets.ts';
import { OAuthFailure } from './oauth-failure.ts';
import { fetchJson, OidcProvider } from './oidc-provider.ts';

export interface GoogleClientOptions {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Exactly the URI registered at the provider: `${PUBLIC_URL}/auth/google/callback`. */
  redirectUri: string;
}

/** Who the provider says signed in: only ever built from a verified ID token. */
export interface ProviderIdentity {
  subject: string;
  email: string;
  name: string;
}

const CLOCK_TOLERANCE_SECONDS = 30;
// Google's ID tokens carry either form of its issuer (its documentation says so).
const ISSUER_ALIASES: Record<string, string[]> = { 'https://accounts.google.com': ['accounts.google.com'] };

/**
 * Google sign-in, OpenID Connect authorization code flow with PKCE. The provider's endpoints
 * and keys come from its discovery document, so any conforming provider (a local one in
 * the tests) can stand in for Google.
 */
export class GoogleOAuth {
  private readonly provider: OidcProvider;

  constructor(private readonly options: GoogleClientOptions) {
    this.provider = new OidcProvider(options.issuerUrl);
  }

  async authorizationUrl(input: { state: string; nonce: string; codeChallenge: string }): Promise<string> {
    const url = new URL((await this.provider.discover()).authorizationEndpoint);
    const params = {
      response_type: 'code', client_id: this.options.clientId, redirect_uri: this.options.redirectUri, scope: 'openid email profile',
      state: input.state, nonce: input.nonce, code_challenge: input.codeChallenge, code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  /** Trades the authorization code for the ID token (client_secret_post, with the PKCE verifier). */
  async exchangeCode(code: string, codeVerifier: string): Promise<string> {
    const { tokenEndpoint } = await this.provider.discover();
    const body = new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUri, code_verifier: codeVerifier,
      client_id: this.options.clientId, client_secret: this.options.clientSecret,
    });
    const tokens = await fetchJson(tokenEndpoint, 'token_exchange', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    if (typeof tokens.id_token !== 'string') throw new OAuthFailure('OAUTH_PROVIDER_ERROR', 'token_exchange_without_id_token');
    return tokens.id_token;
  }

  /**
   * Checks the ID token as OpenID Connect Core §3.1.3.7 asks: an RS256 signature by one of
   * the provider's keys (no other algorithm, so `none` and HMAC tricks are out), the issuer,
   * our client id as audience (and as `azp` when present), expiry, and the nonce of this
   * request. Then the claims we rely on: a subject, and an email the provider verified.
   */
  async verifyIdToken(idToken: string, nonceHash: Buffer): Promise<ProviderIdentity> {
    const { issuer } = await this.provider.discover();
    const header = jwt.decode(idToken, { complete: true })?.header;
    if (!header) throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', 'id_token_malformed');
    if (header.alg !== 'RS256') throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', `id_token_alg_${header.alg}`);
    const key = await this.provider.signingKey(header.kid);
    let claims: jwt.JwtPayload;
    try {
      const issuers = [issuer, ...(ISSUER_ALIASES[issuer] ?? [])] as [string, ...string[]];
      claims = jwt.verify(idToken, key, { algorithms: ['RS256'], issuer: issuers, audience: this.options.clientId, clockTolerance: CLOCK_TOLERANCE_SECONDS }) as jwt.JwtPayload;
    } catch (error) {
      const reason = error instanceof jwt.TokenExpiredError ? 'id_token_expired' : `id_token_rejected: ${(error as Error).message}`;
      throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', reason);
    }
    if (typeof claims.exp !== 'number') throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', 'id_token_without_exp');
    if (claims.azp !== undefined && claims.azp !== this.options.clientId) throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', 'id_token_azp_mismatch');
    if (typeof claims.nonce !== 'string' || !safeEqual(hashToken(claims.nonce).toString('hex'), nonceHash.toString('hex'))) {
      throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', 'nonce_mismatch');
    }
    if (typeof claims.sub !== 'string' || claims.sub === '' || claims.sub.length > 255) throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', 'id_token_without_sub');
    const email = typeof claims.email === 'string' ? claims.email.trim() : '';
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) throw new OAuthFailure('OAUTH_EMAIL_UNVERIFIED', 'id_token_without_email');
    // Some providers send the flag as a string; only an explicit "true" counts.
    if (claims.email_verified !== true && claims.email_verified !== 'true') throw new OAuthFailure('OAUTH_EMAIL_UNVERIFIED', 'email_not_verified');
    const name = typeof claims.name === 'string' ? claims.name.trim().slice(0, 100) : '';
    return { subject: claims.sub, email, name };
  }
}
