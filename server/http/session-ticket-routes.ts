import Router, { type RouterContext } from '@koa/router';
import type { TicketAudience } from '../auth/tickets.ts';
import { ownSessionState } from '../db/typing-sessions.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { HttpError } from './errors.ts';
import { issueTicket } from './ingest-ticket.ts';
import { sessionIdOf, sessionNotFound } from './session-params.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * Fresh tickets for a session that is still open: an ingest ticket for the typist's
 * reconnects (the one from creation expires after two minutes), and a watch ticket for live
 * figures. Both only for the owner for now; sharing a session with a coach comes later.
 * An ended session takes no keystrokes and has no live figures, so it gets no ticket.
 */
export function sessionTicketRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/sessions' });
  router.use(requireUser(deps.tokens));

  const ticketRoute = (audience: TicketAudience) => async (ctx: RouterContext) => {
    const userId = userIdOf(ctx);
    const sessionId = sessionIdOf(ctx);
    const state = await ownSessionState(deps.pool, sessionId, userId);
    if (!state) throw sessionNotFound();
    if (state === 'ended') throw new HttpError(409, 'SESSION_ENDED', 'this session has ended; start a new one');
    ctx.body = issueTicket(deps, userId, sessionId, audience);
  };

  router.post('/:id/ticket', ticketRoute('ingest'));
  router.post('/:id/watch-ticket', ticketRoute('watch'));
  return router;
}
