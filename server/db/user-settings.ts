import type { Queryable } from './queryable.ts';

export type StoredSettings = Record<string, unknown>;

/** What the user saved, or an empty object; defaults are the caller's business. */
export async function readSettings(db: Queryable, userId: string): Promise<StoredSettings> {
  const { rows } = await db.query<{ settings: StoredSettings }>('SELECT settings FROM user_settings WHERE user_id = $1', [userId]);
  return rows[0]?.settings ?? {};
}

/**
 * Merges `patch` into the stored settings in one statement (no read-modify-write, so two
 * tabs saving different keys at once both keep their change). Top-level keys replace the
 * stored ones (`||`), except that an object merges into a stored object one level deep:
 * saving `{"sound":{"volume":0.3}}` keeps `sound.enabled`.
 */
export async function mergeSettings(db: Queryable, userId: string, patch: StoredSettings): Promise<StoredSettings> {
  const { rows } = await db.query<{ settings: StoredSettings }>(
    `INSERT INTO user_settings (user_id, settings) VALUES ($1, $2::jsonb)
     ON CONFLICT (user_id) DO UPDATE SET settings = user_settings.settings || (
       SELECT coalesce(jsonb_object_agg(p.key,
         CASE WHEN jsonb_typeof(p.value) = 'object' AND jsonb_typeof(user_settings.settings -> p.key) = 'object'
              THEN (user_settings.settings -> p.key) || p.value ELSE p.value END), '{}'::jsonb)
       FROM jsonb_each($2::jsonb) AS p
     ), updated_at = now()
     RETURNING settings`,
    [userId, JSON.stringify(patch)],
  );
  return rows[0]!.settings;
}
