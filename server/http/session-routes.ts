import Router from '@koa/router';
import { deleteOwnSession, endOwnSession, findOwnSession, insertSession, listOwnSessions } from '../db/typing-sessions.ts';
import { compactSessions } from '../db/keystroke-compaction.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { HttpError } from './errors.ts';
import { issueTicket } from './ingest-ticket.ts';
import { encodeCursor } from './session-cursor.ts';
import { createSessionInput, listSessionsQuery } from './session-input.ts';
import { sessionJson, sessionSummaryJson } from './session-json.ts';
import { sessionIdOf, sessionNotFound } from './session-params.ts';
import { sessionQuotaRefusal } from '../db/session-quota.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * Typing sessions: create (with the ingest ticket to stream into it), read, list, end and
 * delete. Only the owner sees a session; anyone else gets the same 404 as for an id that
 * does not exist, so session ids cannot be probed.
 */
export function sessionRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/sessions' });
  const { pool, log } = deps;
  router.use(requireUser(deps.tokens));

  router.post('/', async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(createSessionInput, bodyOf(ctx));
    const refusal = await sessionQuotaRefusal(pool, userId, deps.config.quotas);
    if (refusal) throw new HttpError(429, refusal.code, refusal.message);
    const result = await insertSession(pool, { userId, ...input });
    if (!result.ok && result.reason === 'user_not_found') throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    if (!result.ok) throw new HttpError(400, 'VALIDATION_FAILED', 'some fields are missing or invalid', { fields: { wordSetId: 'no such word set' } });
    const session = result.session;
    log.info({ event: 'typing_session_created', userId, sessionId: session.id, mode: session.mode }, 'typing session created');
    ctx.status = 201;
    ctx.set('Location', `/api/sessions/${session.id}`);
    ctx.body = { session: sessionJson(session), ingest: issueTicket(deps, userId, session.id, 'ingest') };
  });

  router.get('/', async (ctx) => {
    const query = parseInput(listSessionsQuery, ctx.query);
    const page = query.after ? { limit: query.limit + 1, after: query.after } : { limit: query.limit + 1, offset: query.offset ?? 0 };
    const { rows, total } = await listOwnSessions(pool, userIdOf(ctx), { from: query.from, to: query.to, mode: query.mode }, page);
    // One row more than asked says whether there is a next page without a second query.
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    ctx.body = {
      sessions: shown.map(sessionSummaryJson),
      total,
      nextCursor: rows.length > query.limit && last ? encodeCursor({ startedAt: last.cursor_at, id: last.id }) : null,
    };
  });

  router.get('/:id', async (ctx) => {
    const session = await findOwnSession(pool, sessionIdOf(ctx), userIdOf(ctx));
    if (!session) throw sessionNotFound();
    ctx.body = { session: sessionJson(session) };
  });

  router.post('/:id/end', async (ctx) => {
    const userId = userIdOf(ctx);
    const session = await endOwnSession(pool, sessionIdOf(ctx), userId);
    if (!session) throw sessionNotFound();
    log.info({ event: 'typing_session_ended', userId, sessionId: session.id }, 'typing session ended');
    ctx.body = { session: sessionJson(session) };
    // Ended over ws, the ingest server's background queue does this; ended here, nobody else
    // would. After the reply: the typist does not wait for it.
    void compactSessions(pool, [session.id]).catch((error: Error) =>
      log.warn({ event: 'keystroke_compaction_failed', sessions: 1, sessionIds: [session.id], err: error }, 'keystroke rows of an ended session could not be compacted; they stay as stored'));
  });

  router.delete('/:id', async (ctx) => {
    const userId = userIdOf(ctx);
    const id = sessionIdOf(ctx);
    if (!(await deleteOwnSession(pool, id, userId))) throw sessionNotFound();
    log.info({ event: 'typing_session_deleted', userId, sessionId: id }, 'typing session deleted');
    ctx.status = 204;
  });

  return router;
}
