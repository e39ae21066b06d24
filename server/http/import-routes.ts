import Router from '@koa/router';
import { z } from 'zod';
import { importSessionChunk } from '../db/import-sessions.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { parseInput } from './validation.ts';
import { assertImportTimeRules } from './import-time-rules.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/** Events per request: ~250 fit the 64 KB body limit; the schema allows a little headroom. */
export const IMPORT_MAX_EVENTS = 400;

export const exportedEvent = z.object({
  batchSeq: z.number().int().min(1).max(2 ** 31 - 1),
  batchIdx: z.number().int().min(0).max(32_767),
  offsetUs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  type: z.union([z.literal(0), z.literal(1)]),
  code: z.string().min(1).max(32),
  key: z.string().max(32),
  textPos: z.number().int().min(-1).max(2 ** 31 - 1),
  // The file's finger is ignored (the server assigns fingers from the code) but allowed,
  // so an export goes back in unchanged.
  finger: z.number().int().optional(),
  isError: z.boolean(),
  flags: z.number().int().min(0).max(255),
}).strict();

const importInput = z.object({
  session: z.object({
    sourceId: z.uuid(),
    mode: z.enum(['timed', 'words', 'quote', 'custom', 'zen']),
    startedAt: z.iso.datetime({ offset: true }).nullable().optional(),
    endedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  }).strict(),
  events: z.array(exportedEvent).max(IMPORT_MAX_EVENTS),
}).strict();

/**
 * POST /api/import: one chunk of a previous JSON export (a session and up to 400 of its
 * events) into the caller's account. The client splits a file into chunks because bodies
 * are capped at 64 KB; chunks are idempotent, so a second import adds no duplicates.
 */
export function importRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api' });
  router.post('/import', requireUser(deps.tokens), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(importInput, bodyOf(ctx));
    assertImportTimeRules(input.events);
    const toDate = (iso: string | null | undefined) => (iso ? new Date(iso) : null);
    const result = await importSessionChunk(deps.pool, userId, { ...input.session, startedAt: toDate(input.session.startedAt), endedAt: toDate(input.session.endedAt) }, input.events);
    if (result.created) deps.log.info({ event: 'session_imported', userId, sessionId: result.sessionId }, 'session imported');
    ctx.status = result.created ? 201 : 200;
    ctx.body = result;
  });
  return router;
}
