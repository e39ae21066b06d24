import type { Queryable } from '../../db/queryable.ts';

export interface UserRow {
  id: string;
  email: string | null;
  email_verified_at: Date | null;
  password_hash: string | null;
  display_name: string;
  is_anonymous: boolean;
  created_at: Date;
  totp_enabled: boolean;
}

const SELECT_USER = `SELECT u.id, u.email, u.email_verified_at, u.password_hash, u.display_name, u.is_anonymous,
  u.created_at,
  (t.enabled_at IS NOT NULL) AS totp_enabled
  FROM users u LEFT JOIN totp_secrets t ON t.user_id = u.id`;

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  return (await db.query<UserRow>(`${SELECT_USER} WHERE lower(u.email) = lower($1)`, [email])).rows[0];
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  return (await db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [id])).rows[0];
}

/** Inserts an account; undefined when the email is taken. */
export async function insertUser(db: Queryable, input: { email: string; passwordHash: string | null; verified?: boolean; displayName?: string }): Promise<UserRow | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (email, password_hash, email_verified_at, display_name, password_changed_at)
     VALUES ($1, $2, CASE WHEN $3 THEN now() END, $4, now()) ON CONFLICT DO NOTHING RETURNING id`,
    [input.email, input.passwordHash, input.verified ?? false, input.displayName ?? ''],
  );
  return rows[0] ? findUserById(db, rows[0].id) : undefined;
}

export async function insertAnonymousUser(db: Queryable): Promise<string> {
  return (await db.query<{ id: string }>('INSERT INTO users (is_anonymous) VALUES (true) RETURNING id')).rows[0]!.id;
}

export async function markEmailVerified(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = $1', [userId]);
}

export async function setPassword(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1', [userId, passwordHash]);
}

export async function updateProfile(db: Queryable, userId: string, input: { displayName?: string }): Promise<UserRow | undefined> {
  await db.query('UPDATE users SET display_name = coalesce($2, display_name), updated_at = now() WHERE id = $1', [userId, input.displayName ?? null]);
  return findUserById(db, userId);
}

/**
 * Sets an address the owner has just proven (they opened a link mailed to it); false when
 * another account has it. Only ever called with a proven address: an account's email is
 * never one its owner did not confirm.
 */
export async function setProvenEmail(db: Queryable, userId: string, email: string): Promise<boolean> {
  try {
    const { rowCount } = await db.query(
      'UPDATE users SET email = $2, email_verified_at = now(), is_anonymous = false, updated_at = now() WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.email) = lower($2) AND o.id <> $1)',
      [userId, email],
    );
    return (rowCount ?? 0) > 0;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return false;
    throw error;
  }
}

export async function recordLogin(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [userId]);
}
