import { z } from 'zod';
import { PRACTICE_TEXT_MAX } from '../practice/options.ts';
import { durationSeconds, instant, keyboardLayout, practiceView, queryInt, storableText, typingMode, wordCount } from './fields.ts';

// Typing sessions (API.md, Routes and Fields: Session): what is sent and what comes back.

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

/** POST /api/sessions */
export const createSessionBody = z
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
export type CreateSessionBody = z.input<typeof createSessionBody>;

export const sessionIdParam = z.object({ id: z.uuid() });

/** GET /api/sessions query; the server adds the cursor's decoding (it is opaque here). */
export const listSessionsQuery = z
  .object({
    limit: queryInt(1, 100).default(20),
    offset: queryInt(0, 1_000_000).optional(),
    cursor: z.string().max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    mode: typingMode.optional(),
  })
  .strict();
export type ListSessionsQuery = z.input<typeof listSessionsQuery>;

const isoTime = z.iso.datetime({ offset: true });

/** A session in the history list: no practice text (up to 20,000 characters each). */
export const sessionSummary = z.strictObject({
  id: z.uuid(),
  mode: typingMode,
  config: z.record(z.string(), z.unknown()),
  practiceTextLength: z.int().min(0),
  wordSetId: z.uuid().nullable(),
  keyboardLayout,
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  eventCount: z.int().min(0),
  /** The figures are null until the session's analytics are computed (API.md, Session figures). */
  durationMs: z.number().nullable(),
  wpm: z.number().nullable(),
  rawWpm: z.number().nullable(),
  accuracy: z.number().min(0).max(1).nullable(),
  /** Ran to its end (METRICS.md section 3); false: stopped early, left out of ranges, bests and the trend. */
  complete: z.boolean().nullable(),
});
export type SessionSummary = z.infer<typeof sessionSummary>;

/** One session in full: with its practice text and the highest batch stored. */
export const sessionDetail = sessionSummary.extend({ practiceText: z.string(), committedSeq: z.int().min(0) });
export type SessionDetail = z.infer<typeof sessionDetail>;

/** A ticket to open (or reopen) a session's keystroke stream. */
export const ingestTicket = z.strictObject({ ticket: z.string().min(1), expiresIn: z.int().positive(), ingestUrl: z.string().min(1) });
export type IngestTicket = z.infer<typeof ingestTicket>;

export const sessionCreated = z.strictObject({ session: sessionDetail, ingest: ingestTicket });
export type SessionCreated = z.infer<typeof sessionCreated>;
export const sessionAnswer = z.strictObject({ session: sessionDetail });
export type SessionAnswer = z.infer<typeof sessionAnswer>;
export const sessionPage = z.strictObject({ sessions: z.array(sessionSummary), total: z.int().min(0), nextCursor: z.string().nullable() });
export type SessionPage = z.infer<typeof sessionPage>;

/** POST /api/sessions/claim */
export const claimBody = z.object({ anonymousAccessToken: z.string().min(1).max(4096) }).strict();
export type ClaimBody = z.input<typeof claimBody>;
export const claimAnswer = z.strictObject({ movedSessions: z.int().min(0) });
export type ClaimAnswer = z.infer<typeof claimAnswer>;
