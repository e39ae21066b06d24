import Router from '@koa/router';
import { IMPORT_MAX_BYTES } from '../../shared/api/import-limits.ts';
import { importFilesBody } from '../../shared/api/transfer.ts';
import { importFiles } from '../db/import-files.ts';
import type { ImportedEvent } from '../db/import-sessions.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf, largeJsonBody } from './body.ts';
import { HttpError } from './errors.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { parseInput } from './validation.ts';

/** The route whose body may be larger than the API's usual 64 KB; it parses its own (see body.ts). */
export const IMPORT_FILES_PATH = '/api/import/files';

/**
 * POST /api/import/files: the sessions and events files of a JSON export, whole, imported
 * in one transaction (all or nothing) and idempotently (see db/import-files.ts). Answers
 * with what was added and what was already there, or refuses sessions that would arrive
 * without their keystrokes unless `withoutKeystrokes` asks for that.
 */
export function importFilesRoutes(deps: SidecarDeps): Router {
  const router = new Router();
  // Signed in first, then the body: a stranger's 32 MB is refused unread.
  router.post(IMPORT_FILES_PATH, requireUser(deps.tokens), largeJsonBody(IMPORT_MAX_BYTES), async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(importFilesBody, bodyOf(ctx));
    const events = new Map<string, ImportedEvent[]>();
    for (const { sessionId, finger: _, ...event } of input.events) {
      const list = events.get(sessionId);
      if (list) list.push(event);
      else events.set(sessionId, [event]);
    }
    const outcome = await importFiles(deps.pool, userId, { sessions: input.sessions, events, withoutKeystrokes: input.withoutKeystrokes ?? false });
    if (!outcome.ok) {
      throw new HttpError(422, 'IMPORT_EVENTS_MISSING', `${outcome.missingEventsFor} sessions had keystrokes that are not in the files: choose the events file too, or import them without keystrokes`, { sessions: outcome.missingEventsFor });
    }
    const { report } = outcome;
    deps.log.info({ event: 'sessions_imported', userId, added: report.sessions.added, present: report.sessions.alreadyPresent, events: report.events.added }, 'export imported');
    ctx.body = report;
  });
  return router;
}
