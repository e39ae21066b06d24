import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { previousKeys, type KeyRing } from './keys.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 30 * 60;
export const TWO_FACTOR_TOKEN_TTL_SECONDS = 5 * 60;
const ISSUER = 'fingerflow';
const ALGORITHM = 'HS256';

type Kind = 'access' | 'login-2fa';
const AUDIENCE: Record<Kind, string> = { access: 'api', 'login-2fa': 'login-2fa' };

export type TokenCheck =
  | { ok: true; userId: string; expiresAt: number; familyId: string | undefined; tokenId: string | undefined }
  | { ok: false; code: 'TOKEN_MISSING' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID' };

/** Answers whether the sign-in (refresh family) an access token names is still live. */
export type LivenessCheck = (userId: string, familyId: string) => Promise<boolean>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Access tokens (30 min, sent as a Bearer header) and the token between the two steps of a
 * 2FA login (5 min, good for nothing else). Each kind has its own key, audience and `typ`;
 * the algorithm is pinned, so `alg: none` or a token of another kind is refused.
 *
 * An access token names the sign-in it was issued for (`fam`, the refresh family), so it can
 * be revoked with that sign-in (see SignInLiveness); a step token carries a `jti`, so it can
 * be used once.
 */
export class JwtTokens {
  private liveness: LivenessCheck | undefined;

  constructor(private readonly keys: KeyRing) {}

  /** Set by the composition root; without it (unit tests) signatures alone are checked. */
  checkLivenessWith(check: LivenessCheck): void {
    this.liveness = check;
  }

  sign(kind: 'access', userId: string, familyId: string): { token: string; expiresIn: number };
  sign(kind: 'login-2fa', userId: string): { token: string; expiresIn: number };
  sign(kind: Kind, userId: string, familyId?: string): { token: string; expiresIn: number } {
    const expiresIn = kind === 'access' ? ACCESS_TOKEN_TTL_SECONDS : TWO_FACTOR_TOKEN_TTL_SECONDS;
    const claims = kind === 'access' ? { typ: kind, fam: familyId } : { typ: kind };
    const token = jwt.sign(claims, this.keys.key(kind), {
      algorithm: ALGORITHM, issuer: ISSUER, audience: AUDIENCE[kind], subject: userId, expiresIn, ...(kind === 'login-2fa' ? { jwtid: randomUUID() } : {}),
    });
    return { token, expiresIn };
  }

  verify(kind: Kind, token: string | undefined): TokenCheck {
    if (!token) return { ok: false, code: 'TOKEN_MISSING' };
    // After a SECRET_KEY rotation, tokens signed with the previous key stay valid until they expire.
    const key = this.keys.key(kind);
    let result: TokenCheck = { ok: false, code: 'TOKEN_INVALID' };
    for (const candidate of [key, ...previousKeys(key)]) {
      result = this.verifyWith(candidate, kind, token);
      if (result.ok || result.code === 'TOKEN_EXPIRED') return result;
    }
    return result;
  }

  private verifyWith(key: KeyObject, kind: Kind, token: string): TokenCheck {
    try {
      const payload = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE[kind] }) as jwt.JwtPayload;
      if (payload.typ !== kind || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return { ok: false, code: 'TOKEN_INVALID' };
      const familyId = typeof payload.fam === 'string' && UUID.test(payload.fam) ? payload.fam : undefined;
      const tokenId = typeof payload.jti === 'string' && UUID.test(payload.jti) ? payload.jti : undefined;
      if (kind === 'access' && !familyId) return { ok: false, code: 'TOKEN_INVALID' };
      if (kind === 'login-2fa' && !tokenId) return { ok: false, code: 'TOKEN_INVALID' };
      return { ok: true, userId: payload.sub, expiresAt: payload.exp, familyId, tokenId };
    } catch (error) {
      return { ok: false, code: error instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
    }
  }

  /** verify('access'), then whether its sign-in was revoked since: a revoked one is TOKEN_REVOKED. */
  async verifyLiveAccess(token: string | undefined): Promise<TokenCheck | { ok: false; code: 'TOKEN_REVOKED' }> {
    const check = this.verify('access', token);
    if (!check.ok || !this.liveness) return check;
    return (await this.liveness(check.userId, check.familyId!)) ? check : { ok: false, code: 'TOKEN_REVOKED' };
  }
}
