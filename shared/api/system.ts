import { z } from 'zod';

// The public routes a page calls before anyone signs in: its configuration and its logs.

export const publicConfig = z.strictObject({ ingestUrl: z.string(), socketIoPath: z.string(), googleOAuth: z.boolean(), version: z.string() });
export type PublicConfig = z.infer<typeof publicConfig>;

const CONTEXT_MAX_BYTES = 4096;
/** Browser console levels. */
export const BROWSER_LOG_LEVELS = ['debug', 'log', 'info', 'warn', 'error'] as const;
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

// Not strict, unlike the rest of the API: a newer page that adds a field to its log lines
// must not lose them to an older server. Unknown keys of an entry are dropped.
const logEntry = z.object({
  level: z.enum(BROWSER_LOG_LEVELS),
  message: z.string().max(2000),
  context: z
    .unknown()
    .refine((c) => typeof c === 'object' && c !== null && !Array.isArray(c), 'must be an object')
    .refine((c) => utf8Bytes(JSON.stringify(c)) <= CONTEXT_MAX_BYTES, `must be at most ${CONTEXT_MAX_BYTES} bytes as JSON`)
    .optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

/** POST /api/system/logs */
export const logBody = z.object({ entries: z.array(logEntry).min(1).max(50) }).strict();
export type LogBody = z.input<typeof logBody>;
export const logAnswer = z.strictObject({ accepted: z.int().min(1) });
