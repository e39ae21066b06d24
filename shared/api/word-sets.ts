import { z } from 'zod';
import { WORD_SET_LIMITS } from '../practice/options.ts';
import { displayName, storableText } from './fields.ts';

/** One word: trimmed, 1..40 characters, no space or control character inside. */
const word = z.string().trim().min(1).max(WORD_SET_LIMITS.wordMax).regex(/^[^\s\p{Cc}]+$/u, 'must be one word, without spaces');

const fields = {
  name: displayName(WORD_SET_LIMITS.nameMax),
  words: z.array(word).min(1).max(WORD_SET_LIMITS.wordsMax),
  description: storableText(WORD_SET_LIMITS.descriptionMax).transform((s) => s.trim()),
  /** A BCP 47 tag such as "en" or "pt-BR". */
  language: z.string().max(35).regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en" or "pt-BR"'),
};

export const createWordSetInput = z
  .object({ name: fields.name, words: fields.words, description: fields.description.default(''), language: fields.language.default('en') })
  .strict();

export const updateWordSetInput = z
  .object({ name: fields.name.optional(), words: fields.words.optional(), description: fields.description.optional(), language: fields.language.optional() })
  .strict()
  .refine((input) => Object.values(input).some((v) => v !== undefined), { message: 'change at least one of name, words, description, language' });

export const wordSetIdParam = z.object({ id: z.uuid() });

export type CreateWordSetBody = z.input<typeof createWordSetInput>;
export type UpdateWordSetBody = z.input<typeof updateWordSetInput>;

const isoTime = z.iso.datetime({ offset: true });

/** A word set as listed: without its words, which can number 10,000. */
export const wordSetSummary = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  language: z.string(),
  wordCount: z.int().min(0),
  builtIn: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type WordSetSummary = z.infer<typeof wordSetSummary>;
export const wordSet = wordSetSummary.extend({ words: z.array(z.string()) });
export type WordSet = z.infer<typeof wordSet>;

export const wordSetList = z.strictObject({ wordSets: z.array(wordSetSummary) });
export type WordSetList = z.infer<typeof wordSetList>;
export const wordSetAnswer = z.strictObject({ wordSet });
export type WordSetAnswer = z.infer<typeof wordSetAnswer>;
