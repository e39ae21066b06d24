import type pg from 'pg';
import { inTransaction } from '../../db/transaction.ts';
import { insertUser } from './users.ts';

export interface VerifiedProviderIdentity {
  provider: string;
  subject: string;
  /** Verified by the provider: only such an email may create an account. */
  email: string;
  displayName: string;
}

export type AccountOutcome =
  | { kind: 'returning'; userId: string } // this provider identity signed in before
  | { kind: 'created'; userId: string; replacedUnproven: boolean } // a new account, without a password
  | { kind: 'exists' }; // an account has this address: link from its settings instead

/**
 * The account a verified provider identity signs in to: the one linked to it, else a new
 * one. Never an existing account found by email: a match by address says nothing about who
 * holds that account (RFC 9700 §4.2.x; the "pre-account takeover" where an attacker sets up
 * the victim's address first and waits for the victim to arrive through Google). Linking is
 * done from inside the account (linkOAuthIdentity).
 *
 * An account that never proved the address and was never used (registered, not verified,
 * never signed in, no sessions) holds nothing but the address it squats: it gives way to
 * the provider's verified owner. Anything else with the address answers `exists`.
 */
export async function findOrCreateOAuthAccount(pool: pg.Pool, identity: VerifiedProviderIdentity): Promise<AccountOutcome> {
  // Two first sign-ins at once race on the unique email or identity: the loser rolls back
  // and finds the winner's rows on its next pass.
  for (let pass = 1; ; pass++) {
    try {
      return await inTransaction(pool, (client) => resolveAccount(client, identity));
    } catch (error) {
      if (!(error instanceof RaceLost) || pass >= 3) throw error;
    }
  }
}

class RaceLost extends Error {}

async function resolveAccount(client: pg.PoolClient, identity: VerifiedProviderIdentity): Promise<AccountOutcome> {
  const { provider, subject, email } = identity;
  const known = await client.query<{ user_id: string }>('SELECT user_id FROM oauth_identities WHERE provider = $1 AND subject = $2', [provider, subject]);
  if (known.rows[0]) {
    await client.query('UPDATE oauth_identities SET email = $3 WHERE provider = $1 AND subject = $2 AND email <> $3', [provider, subject, email]);
    return { kind: 'returning', userId: known.rows[0].user_id };
  }
  const existing = await client.query<{ id: string; unproven_and_unused: boolean }>(
    `SELECT id, (email_verified_at IS NULL AND last_login_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM typing_sessions s WHERE s.user_id = users.id)
                 AND NOT EXISTS (SELECT 1 FROM oauth_identities i WHERE i.user_id = users.id)) AS unproven_and_unused
     FROM users WHERE lower(email) = lower($1) FOR UPDATE`,
    [email],
  );
  const squat = existing.rows[0];
  if (squat && !squat.unproven_and_unused) return { kind: 'exists' };
  if (squat) await client.query('DELETE FROM users WHERE id = $1', [squat.id]);
  const created = await insertUser(client, { email, passwordHash: null, verified: true, displayName: identity.displayName });
  if (!created) throw new RaceLost('the email was taken meanwhile');
  await linkIdentity(client, created.id, identity);
  return { kind: 'created', userId: created.id, replacedUnproven: Boolean(squat) };
}

export type LinkOutcome = { ok: true; devicesSignedOut: number } | { ok: false; reason: 'identity_taken' | 'email_taken' | 'account_gone' };

/**
 * Links a provider identity to the signed-in account that asked for it (settings). Every
 * sign-in of the account ends (refresh families, and with them their access tokens): the
 * account now has a new way in, and whatever else held it must sign in again. An anonymous
 * typist becomes an account with the provider's verified address.
 */
export async function linkOAuthIdentity(pool: pg.Pool, userId: string, identity: VerifiedProviderIdentity): Promise<LinkOutcome> {
  try {
    return await inTransaction(pool, async (client): Promise<LinkOutcome> => {
      const user = await client.query<{ is_anonymous: boolean }>('SELECT is_anonymous FROM users WHERE id = $1 FOR UPDATE', [userId]);
      if (!user.rows[0]) return { ok: false, reason: 'account_gone' };
      const known = await client.query<{ user_id: string }>('SELECT user_id FROM oauth_identities WHERE provider = $1 AND subject = $2', [identity.provider, identity.subject]);
      if (known.rows[0] && known.rows[0].user_id !== userId) return { ok: false, reason: 'identity_taken' };
      if (user.rows[0].is_anonymous) {
        const taken = await client.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [identity.email]);
        if (taken.rows.length) return { ok: false, reason: 'email_taken' };
        await client.query('UPDATE users SET email = $2, email_verified_at = now(), is_anonymous = false, updated_at = now() WHERE id = $1', [userId, identity.email]);
      }
      if (!known.rows[0]) await linkIdentity(client, userId, identity);
      const revoked = await client.query("UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'oauth_linked' WHERE user_id = $1 AND revoked_at IS NULL", [userId]);
      return { ok: true, devicesSignedOut: revoked.rowCount ?? 0 };
    });
  } catch (error) {
    if (error instanceof RaceLost || (error as { code?: string }).code === '23505') return { ok: false, reason: 'identity_taken' };
    throw error;
  }
}

async function linkIdentity(client: pg.PoolClient, userId: string, identity: VerifiedProviderIdentity): Promise<void> {
  const { rowCount } = await client.query(
    'INSERT INTO oauth_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4) ON CONFLICT (provider, subject) DO NOTHING',
    [userId, identity.provider, identity.subject, identity.email],
  );
  if (!rowCount) throw new RaceLost('the identity was linked meanwhile');
}
