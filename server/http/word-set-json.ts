import type { WordSetRow, WordSetSummaryRow } from '../db/word-sets.ts';

/** A word set as listed: without its words, which can number 10,000. */
export function wordSetSummaryJson(row: WordSetSummaryRow) {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    language: row.language,
    wordCount: row.word_count,
    builtIn: row.owner_id === null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function wordSetJson(row: WordSetRow) {
  return { ...wordSetSummaryJson(row), words: row.words };
}
