import { z } from 'zod';
import { typingMode } from './fields.ts';

// The load-test routes (API.md: /api/loadtest), behind X-Loadtest-Token, for `npm run load`.

const MAX_PER_REQUEST = 1000;
const runTag = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, dot, dash and underscore, at most 64');
const sessionIds = z.array(z.uuid()).min(1).max(MAX_PER_REQUEST);

export const loadtestSessionsBody = z.object({ count: z.int().min(1).max(MAX_PER_REQUEST), mode: typingMode.default('timed'), run: runTag.default('untagged') });
export const loadtestSessionsAnswer = z.strictObject({ sessions: z.array(z.strictObject({ userId: z.uuid(), sessionId: z.uuid(), ticket: z.string() })) });
export const loadtestTicketsBody = z.object({ sessionIds });
export const loadtestTicketsAnswer = z.strictObject({ tickets: z.array(z.strictObject({ sessionId: z.uuid(), ticket: z.string() })) });
export const loadtestVerifyBody = z.object({ sessionIds, detail: z.boolean().default(false) });
/** Sums of offsets travel as decimal text: they outgrow 2^53 in long runs. */
const offsetSum = z.string().regex(/^\d+$/);
/**
 * What one load-test session holds: its committed seq and a digest of what is stored (events,
 * distinct batches, sum of offsets), enough for the load tool to check it without the database.
 */
const storedSessionSummary = z.strictObject({ sessionId: z.uuid(), committedSeq: z.int().min(0), ended: z.boolean(), events: z.int().min(0), batches: z.int().min(0), offsetSum });
/** One stored batch's digest, asked for (detail: true) only for sessions whose summary differs. */
const storedBatch = z.strictObject({ sessionId: z.uuid(), batchSeq: z.int(), events: z.int().min(0), offsetSum });
export type StoredSessionSummary = z.infer<typeof storedSessionSummary>;
export type StoredBatch = z.infer<typeof storedBatch>;
export const loadtestVerifyAnswer = z.union([
  z.strictObject({ sessions: z.array(storedSessionSummary) }),
  z.strictObject({ batches: z.array(storedBatch) }),
]);
export const loadtestCleanupBody = z.object({ run: runTag });
export const loadtestCleanupAnswer = z.strictObject({ removed: z.strictObject({ users: z.int().min(0), sessions: z.int().min(0) }) });
export const loadtestInfoAnswer = z.strictObject({ serverVersion: z.string(), ingestUrl: z.string(), retentionHours: z.number() });
