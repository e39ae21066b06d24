import { HttpError } from './errors.ts';
import { sessionIdParam } from './session-input.ts';
import { parseInput } from './validation.ts';

/** The :id of a session route; a malformed id is a 400, like any other bad input. */
export function sessionIdOf(ctx: { params: Record<string, string> }): string {
  return parseInput(sessionIdParam, ctx.params).id;
}

/**
 * The one answer for "not there" and "not yours": a 403 for another user's session would
 * confirm that the id exists, so session ids could be probed.
 */
export function sessionNotFound(): HttpError {
  return new HttpError(404, 'SESSION_NOT_FOUND', 'no such typing session');
}
