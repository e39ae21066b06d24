import { listSessionsQuery as listQuery } from '../../shared/api/sessions.ts';
import { decodeCursor } from './session-cursor.ts';

export { createSessionBody as createSessionInput, sessionIdParam } from '../../shared/api/sessions.ts';

/** The history query with its cursor decoded: the cursor's format is the server's alone. */
export const listSessionsQuery = listQuery.transform((query, ctx) => {
  if (query.cursor !== undefined && query.offset !== undefined) ctx.addIssue({ code: 'custom', path: ['offset'], message: 'use either cursor or offset, not both' });
  if (query.from && query.to && query.from >= query.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !after) ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor this API gave out' });
  return { ...query, after };
});
