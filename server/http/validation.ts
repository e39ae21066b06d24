import type { z } from 'zod';
import { HttpError } from './errors.ts';

/** Parses input with a zod schema; bad input is a 400 with the problem of each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '(body)';
    fields[key] ??= issue.message;
  }
  throw new HttpError(400, 'VALIDATION_FAILED', 'some fields are missing or invalid', { fields });
}
