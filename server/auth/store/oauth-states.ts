import type { Queryable } from '../../db/queryable.ts';

export interface NewOAuthState {
  provider: string;
  stateHash: Buffer;
  browserHash: Buffer;
  codeVerifierEncrypted: Buffer;
  nonceHash: Buffer;
  ttlMinutes: number;
  /** Set when a signed-in account started the flow to link the identity to itself. */
  linkUserId?: string;
}

export type ConsumedOAuthState =
  | { ok: true; codeVerifierEncrypted: Buffer; nonceHash: Buffer; linkUserId: string | null }
  | { ok: false; reason: 'state_unknown' | 'state_reused' | 'state_expired' | 'browser_mismatch' };

// Spent and expired rows stay an hour, so a late replay is logged as a reuse rather than as
// an unknown state, then go.
const KEEP_AFTER_EXPIRY = '1 hour';

/** Records an authorization request in flight, and clears out long-dead ones. */
export async function saveOAuthState(db: Queryable, state: NewOAuthState): Promise<void> {
  await db.query(`DELETE FROM oauth_states WHERE expires_at < now() - interval '${KEEP_AFTER_EXPIRY}'`);
  await db.query(
    `INSERT INTO oauth_states (state_hash, provider, browser_hash, code_verifier_encrypted, nonce_hash, expires_at, link_user_id)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6), $7)`,
    [state.stateHash, state.provider, state.browserHash, state.codeVerifierEncrypted, state.nonceHash, state.ttlMinutes, state.linkUserId ?? null],
  );
}

/**
 * Uses the state up, atomically, but only from the browser that started it: another browser
 * presenting it (login CSRF, a leaked callback URL) neither passes nor burns it. When it
 * cannot be used, says why, for the log.
 */
export async function consumeOAuthState(db: Queryable, provider: string, stateHash: Buffer, browserHash: Buffer): Promise<ConsumedOAuthState> {
  const { rows } = await db.query<{ code_verifier_encrypted: Buffer; nonce_hash: Buffer; link_user_id: string | null }>(
    `UPDATE oauth_states SET used_at = now()
     WHERE state_hash = $1 AND provider = $2 AND browser_hash = $3 AND used_at IS NULL AND expires_at > now()
     RETURNING code_verifier_encrypted, nonce_hash, link_user_id`,
    [stateHash, provider, browserHash],
  );
  if (rows[0]) return { ok: true, codeVerifierEncrypted: rows[0].code_verifier_encrypted, nonceHash: rows[0].nonce_hash, linkUserId: rows[0].link_user_id };
  const seen = await db.query<{ same_browser: boolean; used: boolean; expired: boolean }>(
    'SELECT browser_hash = $3 AS same_browser, used_at IS NOT NULL AS used, expires_at <= now() AS expired FROM oauth_states WHERE state_hash = $1 AND provider = $2',
    [stateHash, provider, browserHash],
  );
  const row = seen.rows[0];
  if (!row) return { ok: false, reason: 'state_unknown' };
  if (!row.same_browser) return { ok: false, reason: 'browser_mismatch' };
  return { ok: false, reason: row.used ? 'state_reused' : 'state_expired' };
}
