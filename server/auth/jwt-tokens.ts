import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { previousKeys, type KeyRing } from './keys.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 30 * 60;
export const TWO_FACTOR_TOKEN_TTL_SECONDS = 5 * 60;
const ISSUER = 'fingerflow';
const ALGORITHM = 'HS256';

type Kind = 'access' | 'login-2fa';
const AUDIENCE: Record<Kind, string> = { access: 'api', 'login-2fa': 'login-2fa' };

export type TokenCheck = { ok: true; userId: string; expiresAt: number } | { ok: false; code: 'TOKEN_MISSING' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID' };

/**
 * Access tokens (30 min, sent as a Bearer header) and the token between the two steps of a
 * 2FA login (5 min, good for nothing else). Each kind has its own key, audience and `typ`;
 * the algorithm is pinned, so `alg: none` or a token of another kind is refused.
 */
export class JwtTokens {
  constructor(private readonly keys: KeyRing) {}

  sign(kind: Kind, userId: string): { token: string; expiresIn: number } {
    const expiresIn = kind === 'access' ? ACCESS_TOKEN_TTL_SECONDS : TWO_FACTOR_TOKEN_TTL_SECONDS;
    const token = jwt.sign({ typ: kind }, this.keys.key(kind), { algorithm: ALGORITHM, issuer: ISSUER, audience: AUDIENCE[kind], subject: userId, expiresIn });
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
      return { ok: true, userId: payload.sub, expiresAt: payload.exp };
    } catch (error) {
      return { ok: false, code: error instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID' };
    }
  }
}
