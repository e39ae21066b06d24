import type { Queryable } from './queryable.ts';
import { uniqueViolation } from './constraint-errors.ts';

export interface WordSetSummaryRow {
  id: string;
  owner_id: string | null;
  slug: string;
  name: string;
  description: string;
  language: string;
  word_count: number;
  created_at: Date;
  updated_at: Date;
}

export interface WordSetRow extends WordSetSummaryRow {
  words: string[];
}

export interface WordSetFields {
  name: string;
  slug: string;
  description: string;
  language: string;
  words: string[];
}

const SUMMARY = 'w.id, w.owner_id, w.slug, w.name, w.description, w.language, cardinality(w.words) AS word_count, w.created_at, w.updated_at';
const FULL = `${SUMMARY}, w.words`;

/**
 * Who may read a word set: the built-in public ones (no owner) are everyone's, the rest only
 * their owner's. `userParam` is the placeholder holding the reader's id ("$2").
 */
export function visibleTo(alias: string, userParam: string): string {
  return `(${alias}.owner_id = ${userParam} OR (${alias}.owner_id IS NULL AND ${alias}.is_public))`;
}

/** Built-ins first, then the user's own, each by name; without the words themselves. */
export async function listWordSets(db: Queryable, userId: string): Promise<WordSetSummaryRow[]> {
  const { rows } = await db.query<WordSetSummaryRow>(
    `SELECT ${SUMMARY} FROM word_sets w WHERE ${visibleTo('w', '$1')} ORDER BY w.owner_id IS NOT NULL, lower(w.name), w.id`,
    [userId],
  );
  return rows;
}

export async function findVisibleWordSet(db: Queryable, id: string, userId: string): Promise<WordSetRow | undefined> {
  return (await db.query<WordSetRow>(`SELECT ${FULL} FROM word_sets w WHERE w.id = $1 AND ${visibleTo('w', '$2')}`, [id, userId])).rows[0];
}

/** Undefined when the owner already has a set of this slug (names are unique by slug). */
export async function insertWordSet(db: Queryable, ownerId: string, fields: WordSetFields): Promise<WordSetRow | undefined> {
  const { rows } = await db.query<WordSetRow>(
    `INSERT INTO word_sets AS w (owner_id, slug, name, description, language, words)
     VALUES ($1, $2, $3, $4, $5, $6::text[])
     ON CONFLICT (owner_id, slug) WHERE owner_id IS NOT NULL DO NOTHING
     RETURNING ${FULL}`,
    [ownerId, fields.slug, fields.name, fields.description, fields.language, fields.words],
  );
  return rows[0];
}

export type UpdateResult = { ok: true; wordSet: WordSetRow } | { ok: false; reason: 'not_own' | 'name_taken' };

/** Changes the given fields of a set the user owns; built-ins have no owner and never match. */
export async function updateOwnWordSet(db: Queryable, id: string, ownerId: string, fields: Partial<WordSetFields>): Promise<UpdateResult> {
  try {
    const { rows } = await db.query<WordSetRow>(
      `UPDATE word_sets AS w SET name = coalesce($3, name), slug = coalesce($4, slug), description = coalesce($5, description),
         language = coalesce($6, language), words = coalesce($7::text[], words), updated_at = now()
       WHERE w.id = $1 AND w.owner_id = $2 RETURNING ${FULL}`,
      [id, ownerId, fields.name ?? null, fields.slug ?? null, fields.description ?? null, fields.language ?? null, fields.words ?? null],
    );
    return rows[0] ? { ok: true, wordSet: rows[0] } : { ok: false, reason: 'not_own' };
  } catch (error) {
    if (uniqueViolation(error) === 'word_sets_owner_slug_key') return { ok: false, reason: 'name_taken' };
    throw error;
  }
}

/**
 * Deletes a set the user owns and, in the same statement, forgets it as their chosen set in
 * settings, so the practice page never starts from a set that is gone. Sessions typed from
 * it keep their figures; their word_set_id becomes NULL by the foreign key.
 */
export async function deleteOwnWordSet(db: Queryable, id: string, ownerId: string): Promise<boolean> {
  const { rows } = await db.query<{ deleted: number }>(
    `WITH gone AS (DELETE FROM word_sets WHERE id = $1 AND owner_id = $2 RETURNING id),
     forgotten AS (
       UPDATE user_settings SET settings = settings - 'wordSetId', updated_at = now()
       WHERE user_id = $2 AND settings->>'wordSetId' = $1::text AND EXISTS (SELECT 1 FROM gone) RETURNING 1)
     SELECT count(*)::int AS deleted FROM gone`,
    [id, ownerId],
  );
  return rows[0]!.deleted > 0;
}

/** Whether the id names a built-in set: it exists for everyone but nobody may change it. */
export async function isBuiltInWordSet(db: Queryable, id: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM word_sets WHERE id = $1 AND owner_id IS NULL AND is_public', [id])).rowCount ?? 0) > 0;
}
