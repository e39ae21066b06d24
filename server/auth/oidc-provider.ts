import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { OAuthFailure } from './oauth-failure.ts';

export interface ProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

const METADATA_TTL_MS = 60 * 60_000;
const JWKS_TTL_MS = 60 * 60_000;
/** An unknown `kid` refetches the key set (the provider rotated keys), at most this often. */
const JWKS_REFETCH_MS = 60_000;
const FETCH_TIMEOUT_MS = 10_000;

/**
 * An OpenID provider as the configuration names it: its endpoints, discovered from
 * `<issuer>/.well-known/openid-configuration`, and its signing keys (JWKS), both cached.
 * Nothing about the provider is hard-coded, so tests run against a real local OIDC server.
 */
export class OidcProvider {
  private metadata?: { value: Promise<ProviderMetadata>; fetchedAt: number };
  private jwks?: { value: Promise<Map<string, KeyObject>>; fetchedAt: number };

  constructor(readonly issuerUrl: string, private readonly now: () => number = Date.now) {}

  discover(): Promise<ProviderMetadata> {
    if (!this.metadata || this.now() - this.metadata.fetchedAt > METADATA_TTL_MS) {
      const value = this.fetchMetadata();
      this.metadata = { value, fetchedAt: this.now() };
      value.catch(() => (this.metadata = undefined)); // a failure is not cached
    }
    return this.metadata.value;
  }

  /** The RSA signing key with this id, as a public KeyObject. */
  async signingKey(kid: string | undefined): Promise<KeyObject> {
    let keys = await this.keySet(false);
    let key = pick(keys, kid);
    if (!key && this.jwks && this.now() - this.jwks.fetchedAt > JWKS_REFETCH_MS) {
      keys = await this.keySet(true);
      key = pick(keys, kid);
    }
    if (!key) throw new OAuthFailure('OAUTH_ID_TOKEN_INVALID', 'signing_key_unknown');
    return key;
  }

  private keySet(refresh: boolean): Promise<Map<string, KeyObject>> {
    if (refresh || !this.jwks || this.now() - this.jwks.fetchedAt > JWKS_TTL_MS) {
      const value = this.discover().then((m) => fetchJson(m.jwksUri, 'jwks')).then(parseKeySet);
      this.jwks = { value, fetchedAt: this.now() };
      value.catch(() => (this.jwks = undefined));
    }
    return this.jwks.value;
  }

  private async fetchMetadata(): Promise<ProviderMetadata> {
    const body = await fetchJson(`${this.issuerUrl}/.well-known/openid-configuration`, 'discovery');
    const field = (name: string): string => {
      const value = body[name];
      if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw new OAuthFailure('OAUTH_PROVIDER_ERROR', `discovery_missing_${name}`);
      return value;
    };
    const issuer = field('issuer').replace(/\/$/, '');
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we asked.
    if (issuer !== this.issuerUrl) throw new OAuthFailure('OAUTH_PROVIDER_ERROR', 'discovery_issuer_mismatch');
    return { issuer, authorizationEndpoint: field('authorization_endpoint'), tokenEndpoint: field('token_endpoint'), jwksUri: field('jwks_uri') };
  }
}

/** Only RSA keys meant for signatures: the ID token's algorithm is pinned to RS256. */
function parseKeySet(body: Record<string, unknown>): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = Array.isArray(body.keys) ? (body.keys as unknown[]) : [];
  for (const [index, entry] of list.entries()) {
    const jwk = entry as JsonWebKey & { kid?: unknown; use?: unknown; alg?: unknown };
    if (jwk?.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig') || (jwk.alg !== undefined && jwk.alg !== 'RS256')) continue;
    try {
      keys.set(typeof jwk.kid === 'string' ? jwk.kid : `#${index}`, createPublicKey({ key: jwk, format: 'jwk' }));
    } catch {
      continue; // a malformed key in the set cannot verify anything; the others still can
    }
  }
  return keys;
}

function pick(keys: Map<string, KeyObject>, kid: string | undefined): KeyObject | undefined {
  if (kid !== undefined) return keys.get(kid);
  return keys.size === 1 ? keys.values().next().value : undefined;
}

export async function fetchJson(url: string, what: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    throw new OAuthFailure('OAUTH_PROVIDER_ERROR', `${what}_unreachable: ${(error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok || typeof body !== 'object' || body === null || Array.isArray(body)) {
    const error = typeof (body as { error?: unknown })?.error === 'string' ? `: ${(body as { error: string }).error}` : '';
    throw new OAuthFailure('OAUTH_PROVIDER_ERROR', `${what}_http_${response.status}${error}`);
  }
  return body as Record<string, unknown>;
}
