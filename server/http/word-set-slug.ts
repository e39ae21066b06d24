import { createHash } from 'node:crypto';

const SLUG_MAX = 64;
const HASH_LENGTH = 8;

/**
 * The slug of a word set, derived from its name: lowercase ASCII letters, digits and dashes,
 * as the word_sets CHECK wants. Names are unique per owner BY SLUG, so "My Words" and
 * "my words!" count as the same name. Where the slug cannot carry the whole name (letters
 * without an ASCII spelling, such as Cyrillic, or a name past 64 characters) a short hash of
 * the name is appended, so different names do not collide just because they lost the same
 * characters.
 */
export function slugForName(name: string): string {
  const folded = name.trim().normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const base = folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const lossy = /[\p{L}\p{N}]/u.test(folded.replace(/[a-z0-9]/g, ''));
  if (!lossy && base.length > 0 && base.length <= SLUG_MAX) return base;
  const hash = createHash('sha256').update(name.trim().toLowerCase()).digest('hex').slice(0, HASH_LENGTH);
  const head = base.slice(0, SLUG_MAX - HASH_LENGTH - 1).replace(/-+$/, '');
  return head ? `${head}-${hash}` : hash;
}
