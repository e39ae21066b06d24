// Which constraint a PostgreSQL error broke, so a caller can turn a race it cannot
// rule out beforehand (a name taken meanwhile, a row deleted meanwhile) into the answer
// it would have given had it seen the row first.

interface PgError {
  code?: unknown;
  constraint?: unknown;
}

/** The unique index or constraint a 23505 error names; undefined for any other error. */
export function uniqueViolation(error: unknown): string | undefined {
  return violated(error, '23505');
}

/** The foreign key a 23503 error names; undefined for any other error. */
export function foreignKeyViolation(error: unknown): string | undefined {
  return violated(error, '23503');
}

function violated(error: unknown, sqlstate: string): string | undefined {
  const e = error as PgError | undefined;
  if (e?.code !== sqlstate) return undefined;
  return typeof e.constraint === 'string' ? e.constraint : '';
}
