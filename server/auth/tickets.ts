import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Short-lived signed tickets that open an ingest WebSocket. The sidecar issues them to the
 * owner of a session (audience "ingest") or to an authorised spectator (audience "watch");
 * the ingest server only verifies them, so it never needs the user database to say who is
 * connecting. HS256 pinned on both sides: a token in any other algorithm is refused.
 */
export type TicketAudience = 'ingest' | 'watch';

export interface TicketClaims {
  userId: string;
  sessionId: string;
  audience: TicketAudience;
  expiresAt: number;
}

export type TicketCheck = { ok: true; claims: TicketClaims } | { ok: false; code: 'TICKET_MISSING' | 'TICKET_EXPIRED' | 'TICKET_INVALID'; message: string };

const ALGORITHM = 'HS256';
const ISSUER = 'fingerflow';
export const TICKET_TTL_SECONDS = 120;
/**
 * A watch link is shared and watched for as long as the typist types: its ticket must still
 * open a connection when the spectator's page reconnects after a drop, half an hour later.
 * It grants only the live figures of one session.
 */
export const WATCH_TICKET_TTL_SECONDS = 12 * 3600;

export class TicketSigner {
  private readonly key: KeyObject;

  constructor(secret: string) {
    // A KeyObject makes jsonwebtoken skip re-deriving the key on every call (15 us vs 0.5 ms).
    this.key = createSecretKey(Buffer.from(`ticket:${secret}`, 'utf8'));
  }

  sign(input: { userId: string; sessionId: string; audience: TicketAudience; ttlSeconds?: number }): string {
    return jwt.sign({ sid: input.sessionId }, this.key, {
      algorithm: ALGORITHM,
      audience: input.audience,
      issuer: ISSUER,
      subject: input.userId,
      expiresIn: input.ttlSeconds ?? TICKET_TTL_SECONDS,
    });
  }

  /** Checks signature, algorithm, issuer, expiry and that the audience is one of `audiences`. */
  verify(token: string | undefined, audiences: readonly TicketAudience[]): TicketCheck {
    if (!token) return { ok: false, code: 'TICKET_MISSING', message: 'a ticket is required (query parameter "ticket")' };
    try {
      const payload = jwt.verify(token, this.key, { algorithms: [ALGORITHM], audience: audiences as [TicketAudience, ...TicketAudience[]], issuer: ISSUER }) as jwt.JwtPayload;
      const audience = audiences.find((a) => a === payload.aud);
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number' || !audience) {
        return { ok: false, code: 'TICKET_INVALID', message: 'the ticket lacks its user, session or audience' };
      }
      return { ok: true, claims: { userId: payload.sub, sessionId: payload.sid, audience, expiresAt: payload.exp } };
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) return { ok: false, code: 'TICKET_EXPIRED', message: 'the ticket has expired; ask for a new one' };
      return { ok: false, code: 'TICKET_INVALID', message: `the ticket is not valid (${(error as Error).message})` };
    }
  }
}
