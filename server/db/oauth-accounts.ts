import type pg from 'pg';
import { inTransaction } from './transaction.ts';
import { insertUser } from './users.ts';

export interface VerifiedProviderIdentity {
  provider: string;
  subject: string;
  /** Verified by the provider: only such an email may create or link an account. */
  email: string;
  displayName: string;
}

export type AccountOutcome =
  | { kind: 'returning'; userId: string } // this provider identity signed in before
  | { kind: 'linked'; userId: string; passwordRemoved: boolean } // an account with the same email
  | { kind: 'created'; userId: string }; // a new account, without a password

/**
 * The account a verified provider identity signs in to: the one linked to it, else the one
 * with the same email (now linked, its email marked verified), else a new one.
 *
 * Linking an account whose email was never verified removes its password: whoever
 * registered it never proved they own the address (it may be an attacker waiting for the
 * owner to arrive through Google, the "pre-hijack"), and must not keep a way in. Such an
 * account could not sign in yet, so nothing of the owner's is lost.
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
  const existing = await client.query<{ id: string; verified: boolean; has_password: boolean }>(
    'SELECT id, email_verified_at IS NOT NULL AS verified, password_hash IS NOT NULL AS has_password FROM users WHERE lower(email) = lower($1) FOR UPDATE',
    [email],
  );
  const account = existing.rows[0];
  if (account) {
    const removePassword = !account.verified && account.has_password;
    if (removePassword) {
      await client.query('UPDATE users SET password_hash = NULL, password_changed_at = now() WHERE id = $1', [account.id]);
      await client.query("UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'oauth_link_unverified' WHERE user_id = $1 AND revoked_at IS NULL", [account.id]);
      await client.query('UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [account.id]);
    }
    await client.query('UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1', [account.id]);
    await linkIdentity(client, account.id, identity);
    return { kind: 'linked', userId: account.id, passwordRemoved: removePassword };
  }
  const created = await insertUser(client, { email, passwordHash: null, verified: true, displayName: identity.displayName });
  if (!created) throw new RaceLost('the email was taken meanwhile');
  await linkIdentity(client, created.id, identity);
  return { kind: 'created', userId: created.id };
}

async function linkIdentity(client: pg.PoolClient, userId: string, identity: VerifiedProviderIdentity): Promise<void> {
  const { rowCount } = await client.query(
    'INSERT INTO oauth_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4) ON CONFLICT (provider, subject) DO NOTHING',
    [userId, identity.provider, identity.subject, identity.email],
  );
  if (!rowCount) throw new RaceLost('the identity was linked meanwhile');
}
