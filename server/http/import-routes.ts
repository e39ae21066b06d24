import Router from '@koa/router';
import { importSessionChunk } from '../db/import-sessions.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { parseInput } from './validation.ts';
import { assertImportTimeRules } from './import-time-rules.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { importChunkBody } from '../../shared/api/transfer.ts';

/**
 * POST /api/import: one chunk of a previous JSON export (a session and up to 400 of its
 * events) into the caller's account. The client splits a file into chunks because bodies
 * are capped at 64 KB; chunks are idempotent, so a second import adds no duplicates.
 */
export function importRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api' });
  router.post('/import', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(importChunkBody, bodyOf(ctx));
    assertImportTimeRules(input.events);
    const toDate = (iso: string | null | undefined) => (iso ? new Date(iso) : null);
    const result = await importSessionChunk(deps.pool, userId, { ...input.session, startedAt: toDate(input.session.startedAt), endedAt: toDate(input.session.endedAt) }, input.events);
    if (result.created) deps.log.info({ event: 'session_imported', userId, sessionId: result.sessionId }, 'session imported');
    ctx.status = result.created ? 201 : 200;
    ctx.body = result;
  });
  return router;
}
