import { z } from 'zod';

/**
 * The paging cursor of the session history: the (started_at, id) of the last row of a page,
 * opaque to clients. Keyset paging stays correct while sessions are added or deleted
 * between pages, where an offset would skip or repeat rows. started_at travels as text to
 * the microsecond: a JavaScript Date would round it and repeat or drop rows on the border.
 */
const cursorFields = z.tuple([z.iso.datetime({ precision: 6 }), z.uuid()]);

export interface SessionCursor {
  startedAt: string;
  id: string;
}

export function encodeCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString('base64url');
}

/** Undefined for anything that is not a cursor we made (the calendar date is checked too). */
export function decodeCursor(value: string): SessionCursor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined; // not JSON inside: a cursor from elsewhere, answered as invalid
  }
  const result = cursorFields.safeParse(parsed);
  return result.success ? { startedAt: result.data[0], id: result.data[1] } : undefined;
}
