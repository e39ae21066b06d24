import { z } from 'zod';
import { PRACTICE_TEXT_MAX } from '../../shared/practice/options.ts';
import { durationSeconds, keyboardLayout, practiceView, storableText, typingMode, wordCount } from '../../shared/api/fields.ts';
import { decodeCursor } from './session-cursor.ts';

/** How a session is set up; known keys only, so a typo is a 400 rather than lost. */
const sessionConfig = z
  .object({
    duration: durationSeconds.optional(),
    wordCount: wordCount.optional(),
    view: practiceView.optional(),
    stopOnError: z.boolean().optional(),
    punctuation: z.boolean().optional(),
    numbers: z.boolean().optional(),
    /** A learn-mode lesson (words of the unlocked letters) rather than random words. */
    lesson: z.enum(['learn']).optional(),
  })
  .strict();

export const createSessionInput = z
  .object({
    mode: typingMode,
    config: sessionConfig.default({}),
    practiceText: storableText(PRACTICE_TEXT_MAX).default(''),
    wordSetId: z.uuid().nullable().default(null),
    keyboardLayout: keyboardLayout.default('qwerty-us'),
  })
  .strict()
  .superRefine((input, ctx) => {
    // A timed test without a duration or a words test without a count cannot end on its
    // own; a quote or custom text must have a text to type against.
    if (input.mode === 'timed' && input.config.duration === undefined) ctx.addIssue({ code: 'custom', path: ['config', 'duration'], message: 'a timed session needs a duration in seconds' });
    if (input.mode === 'words' && input.config.wordCount === undefined) ctx.addIssue({ code: 'custom', path: ['config', 'wordCount'], message: 'a words session needs a word count' });
    if ((input.mode === 'quote' || input.mode === 'custom') && input.practiceText.trim() === '') ctx.addIssue({ code: 'custom', path: ['practiceText'], message: `a ${input.mode} session needs the text to type` });
  });

export const sessionIdParam = z.object({ id: z.uuid() });

/** A query-string whole number: "20", not "20.5", "", "1e2" or a repeated parameter. */
function queryInt(min: number, max: number) {
  return z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));
}

/** An instant; a bare date means its midnight UTC. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO date or date-time' }).transform((s) => new Date(s));

export const listSessionsQuery = z
  .object({
    limit: queryInt(1, 100).default(20),
    offset: queryInt(0, 1_000_000).optional(),
    cursor: z.string().max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    mode: typingMode.optional(),
  })
  .strict()
  .transform((query, ctx) => {
    if (query.cursor !== undefined && query.offset !== undefined) ctx.addIssue({ code: 'custom', path: ['offset'], message: 'use either cursor or offset, not both' });
    if (query.from && query.to && query.from >= query.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor this API gave out' });
    return { ...query, after };
  });
