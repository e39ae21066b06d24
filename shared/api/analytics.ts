import { z } from 'zod';

/**
 * Query strings of the analytics routes. Strict: an unknown or misspelt parameter is a 400
 * naming it, never silently ignored (a typo in `from` must not answer for the whole history).
 */

/** Seconds of the session clock: "12", "12.5", up to microseconds; at most ~11.5 days. */
const seconds = z.string().regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be seconds as plain digits, at most 6 before and 6 after the point (e.g. 12 or 12.5; no exponent, no leading point)').transform(Number);

function queryInt(min: number, max: number) {
  return z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));
}

/** An instant; a bare date means its midnight UTC. */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be an ISO date or date-time' }).transform((s) => new Date(s));

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

export const keyModelQuery = z.object({ targetWpm: queryInt(1, 300).optional() }).strict();

export const noQuery = z.object({}).strict();

export const historyQuery = z.object({ includeIncomplete: includeIncomplete.optional() }).strict();
