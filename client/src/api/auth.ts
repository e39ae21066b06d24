import type { TokenAnswer } from '../../../shared/api/auth.ts';
import type { ClaimBody } from '../../../shared/api/sessions.ts';
import { ApiError, requestJson, type RequestOptions } from './http.ts';

export type { TokenAnswer };

const CSRF_COOKIE = 'ff_csrf';
const RENEW_MARGIN_MS = 30_000;
/** Remembers that this device was signed in to an account, to tell a sign-out from a first visit. */
const ACCOUNT_MARK = 'fingerflow-signed-in-account';

/**
 * This device's sign-in to an account ended elsewhere (a device revoke, a password reset, a
 * reused refresh token): the page says so and waits for the typist instead of carrying on
 * as a throwaway anonymous typist. Retried like a network problem meanwhile.
 */
export class SignedOutError extends Error {
  constructor() {
    super('you were signed out on this device; sign in again');
    this.name = 'SignedOutError';
  }
}

/**
 * Who the page types as. The access token lives in memory only; the refresh token is an
 * HttpOnly cookie the page never sees. A page load refreshes (cookie + CSRF header); with no
 * sign-in on this device it becomes an anonymous typist (POST /api/anonymous), a real user
 * who can sign up later and keep their sessions. Renewals are single-flight, and serialised
 * across tabs with a Web Lock: refresh tokens rotate, and two tabs presenting the same one
 * would look like token theft and sign the device out.
 */
export class Auth {
  private accessToken: string | null = null;
  private expiresAtMs = 0;
  private renewing: Promise<void> | null = null;
  userId: string | null = null;
  /** Called after every change of who is signed in (login, logout, renewal to anonymous). */
  onchange: () => void = () => {};
  /** Called when an account's sign-in on this device turns out to have ended. */
  onsignedout: () => void = () => {};
  /** True from such a sign-out until the typist signs in again or chooses to go on without. */
  signedOut = false;
  // Counts sign-ins, so a renewal that started before one cannot report a sign-out after it.
  private signIns = 0;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = typeof localStorage === 'undefined' ? null : localStorage) {}

  /** A valid access token, renewed when missing or about to expire. */
  async token(): Promise<string> {
    if (!this.accessToken || Date.now() > this.expiresAtMs - RENEW_MARGIN_MS) await this.renew();
    return this.accessToken!;
  }

  /** The token was refused (expired early, user gone): forget it and renew. */
  async renew(): Promise<void> {
    this.renewing ??= this.lockedRenew().finally(() => (this.renewing = null));
    return this.renewing;
  }

  /** A request with the access token; one renewal and retry on 401. */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const send = async () => requestJson<T>(path, { ...options, headers: { ...options.headers, authorization: `Bearer ${await this.token()}` } });
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      this.accessToken = null;
      await this.renew();
      return send();
    }
  }

  /**
   * A login answered (password, 2FA step): use its access token from now on. The refresh
   * cookie it set replaces the anonymous one, so the anonymous typist's sessions are claimed
   * with the token held from before, as API.md asks.
   */
  async signedIn(answer: TokenAnswer, anonymousToken: string | null): Promise<void> {
    this.signedOut = false;
    this.signIns++;
    this.accept(answer);
    if (anonymousToken) {
      await this.request('/api/sessions/claim', { method: 'POST', body: { anonymousAccessToken: anonymousToken } satisfies ClaimBody }).catch((error) => {
        // Not anonymous after all, or already claimed: the sign-in itself stands.
        if (!(error instanceof ApiError)) throw error;
      });
    }
    this.onchange();
  }

  /** The current token if it belongs to an anonymous typist, to claim its sessions after login. */
  async anonymousToken(isAnonymous: boolean): Promise<string | null> {
    return isAnonymous ? this.token().catch(() => null) : null;
  }

  /** Signs this device out; the next request becomes an anonymous typist again. */
  async signOut(): Promise<void> {
    const csrf = readCookie(CSRF_COOKIE);
    await requestJson('/auth/logout', { method: 'POST', headers: csrf ? { 'x-csrf-token': csrf } : {} });
    this.rememberAccount(null);
    this.accessToken = null;
    this.userId = null;
    this.onchange();
  }

  /** Who the account state says is signed in: an account's id, or null (anonymous, nobody). */
  rememberAccount(accountId: string | null): void {
    if (accountId) this.storage?.setItem(ACCOUNT_MARK, accountId);
    else this.storage?.removeItem(ACCOUNT_MARK);
  }

  /** After "You were signed out": type on as a new anonymous typist. */
  async continueWithoutAccount(): Promise<void> {
    this.rememberAccount(null);
    this.signedOut = false;
    this.accessToken = null;
    await this.renew();
    this.onchange();
  }

  private async lockedRenew(): Promise<void> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (locks) await locks.request('fingerflow-auth-renew', () => this.renewNow());
    else await this.renewNow();
  }

  private async renewNow(): Promise<void> {
    const signIns = this.signIns;
    const csrf = readCookie(CSRF_COOKIE);
    let answer: TokenAnswer | undefined;
    try {
      // 204 (no body): no refresh cookie on this device.
      answer = await requestJson<TokenAnswer | undefined>('/auth/refresh', { method: 'POST', headers: csrf ? { 'x-csrf-token': csrf } : {} });
    } catch (error) {
      // 401: the cookie was refused (revoked, expired, reused), and the answer cleared it.
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
    }
    if (answer) return this.accept(answer);
    // No sign-in now. A 204 does not mean "never signed in": the 401 that refused a revoked
    // cookie also cleared it, so every later renewal answers 204. Whether this device was
    // signed in to an account is what the mark says, whichever of the two answers came.
    if (this.signIns !== signIns) return; // signed in meanwhile: that answer stands
    if (this.storage?.getItem(ACCOUNT_MARK)) {
      // Signed out elsewhere: say so, and keep the keystrokes typed under that account for
      // it, rather than becoming someone else.
      this.accessToken = null;
      if (!this.signedOut) {
        this.signedOut = true;
        this.onsignedout();
      }
      throw new SignedOutError();
    }
    // No sign-in on this device: type as an anonymous typist.
    this.accept(await requestJson<TokenAnswer>('/api/anonymous', { method: 'POST' }));
  }

  private accept(answer: TokenAnswer): void {
    this.accessToken = answer.accessToken;
    this.expiresAtMs = Date.now() + answer.expiresIn * 1000;
    const before = this.userId;
    this.userId = subjectOf(answer.accessToken);
    if (before !== null && before !== this.userId) this.onchange();
  }
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** The `sub` claim of a JWT, read without verifying: the server verifies, the page only labels. */
function subjectOf(token: string): string | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : null;
  } catch (error) {
    console.error('access token without a readable subject', error);
    return null;
  }
}
