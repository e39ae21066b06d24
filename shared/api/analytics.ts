import { z } from 'zod';
import type { KeyModel, PersonalBest, RangeAnalytics, SessionAnalytics, TrendPoint } from '../metrics/analytics-types.ts';
import { instant, queryInt } from './fields.ts';
import { MAX_TARGET_WPM } from './analytics-limits.ts';

/**
 * Query strings of the analytics routes. Strict: an unknown or misspelt parameter is a 400
 * naming it, never silently ignored (a typo in `from` must not answer for the whole history).
 */

/** Seconds of the session clock: "12", "12.5", up to microseconds; at most ~11.5 days. */
const seconds = z.string().regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be seconds as plain digits, at most 6 before and 6 after the point (e.g. 12 or 12.5; no exponent, no leading point)').transform(Number);

export const sessionAnalyticsQuery = z
  .object({
    from: seconds.optional(),
    to: seconds.optional(),
    fatigueWindowSec: queryInt(1, 3600).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

/** "true" or "false": whether tests stopped early count (they do not by default). */
const includeIncomplete = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const rangeQuery = z
  .object({ from: instant.optional(), to: instant.optional(), includeIncomplete: includeIncomplete.optional() })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

export const keyModelQuery = z.object({ targetWpm: queryInt(1, MAX_TARGET_WPM).optional() }).strict();

export const noQuery = z.object({}).strict();

export const historyQuery = z.object({ includeIncomplete: includeIncomplete.optional() }).strict();

// Answers. The figures' shapes are shared/metrics/analytics-types.ts, documented field by
// field in METRICS.md and checked against the TypeScript reference by the analytics tests;
// here each is held to its top-level fields, so a renamed or dropped part fails.

/** An object with at least these keys, typed as T. */
function shaped<T>(keys: ReadonlyArray<keyof T & string>) {
  return z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && keys.every((k) => k in v), { message: `must be an object with ${keys.join(', ')}` });
}

const breakdown = ['keys', 'fingers', 'hands', 'digraphs', 'digraphClasses', 'confusion'] as const;
export const sessionAnalyticsAnswer = z.strictObject({ analytics: shaped<SessionAnalytics>(['sessionId', 'window', 'summary', 'series', 'fatigue', ...breakdown]) });
export const rangeAnalyticsAnswer = z.strictObject({ analytics: shaped<RangeAnalytics>(['from', 'to', 'sessions', 'summary', ...breakdown]) });
export const trendAnswer = z.strictObject({ trend: z.array(shaped<TrendPoint>(['sessionId', 'startedAt', 'mode', 'summary', 'complete'])) });
export const keyModelAnswer = z.strictObject({ model: shaped<KeyModel>(['targetWpm', 'targetMs', 'alpha', 'keys']) });

export const personalBest = z.strictObject({
  mode: z.string(),
  length: z.number().nullable(),
  sessionId: z.uuid(),
  startedAt: z.iso.datetime({ offset: true }),
  wpm: z.number(),
  rawWpm: z.number().nullable(),
  accuracy: z.number().nullable(),
}) satisfies z.ZodType<PersonalBest>;
export const bestsAnswer = z.strictObject({ bests: z.array(personalBest) });

/** One letter's progress, a point per session that typed it (GET /api/analytics/keys/:letter). */
export const keyProgressPoint = z.strictObject({ sessionId: z.uuid(), startedAt: z.iso.datetime({ offset: true }), hits: z.int().min(0), misses: z.int().min(0), meanMs: z.number().nullable() });
export type KeyProgressPoint = z.infer<typeof keyProgressPoint>;
export const keyProgressAnswer = z.strictObject({ letter: z.string(), points: z.array(keyProgressPoint) });
export const letterParam = z.object({ letter: z.string().min(1).max(4) });

export type SessionAnalyticsAnswer = z.infer<typeof sessionAnalyticsAnswer>;
export type RangeAnalyticsAnswer = z.infer<typeof rangeAnalyticsAnswer>;
export type TrendAnswer = z.infer<typeof trendAnswer>;
export type KeyModelAnswer = z.infer<typeof keyModelAnswer>;
export type BestsAnswer = z.infer<typeof bestsAnswer>;
export type KeyProgressAnswer = z.infer<typeof keyProgressAnswer>;
