import type { z } from 'zod';
import { HttpError } from './errors.ts';

// A 10,000-word list with every word wrong would otherwise answer with 10,000 entries.
const MAX_FIELDS_REPORTED = 20;

/** Parses input with a zod schema; bad input is a 400 with the problem of each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    // A strict object names the keys it does not know; each is reported as its own field.
    const named = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [[...issue.path, key].join('.'), 'is not a known field'] as const) : [[issue.path.join('.') || '(body)', issue.message] as const];
    for (const [key, message] of named) {
      if (Object.keys(fields).length >= MAX_FIELDS_REPORTED) break;
      fields[key] ??= message;
    }
  }
  throw new HttpError(400, 'VALIDATION_FAILED', 'some fields are missing or invalid', { fields });
}
