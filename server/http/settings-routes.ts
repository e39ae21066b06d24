import Router from '@koa/router';
import { mergeSettings, readSettings } from '../db/user-settings.ts';
import { findVisibleWordSet } from '../db/word-sets.ts';
import { foreignKeyViolation } from '../db/constraint-errors.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { HttpError } from './errors.ts';
import { effectiveSettings, settingsPatch } from '../../shared/api/settings.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * GET /api/settings: the defaults with the user's saved settings on top.
 * PATCH /api/settings: saves the given keys only; every other saved key stays.
 */
export function settingsRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/settings' });
  const { pool } = deps;
  router.use(requireUser(deps.tokens));

  router.get('/', async (ctx) => {
    ctx.body = { settings: effectiveSettings(await readSettings(pool, userIdOf(ctx))) };
  });

  router.patch('/', async (ctx) => {
    const userId = userIdOf(ctx);
    const patch = parseInput(settingsPatch, bodyOf(ctx));
    if (patch.wordSetId && !(await findVisibleWordSet(pool, patch.wordSetId, userId))) {
      throw new HttpError(400, 'VALIDATION_FAILED', 'some fields are missing or invalid', { fields: { wordSetId: 'no such word set' } });
    }
    try {
      ctx.body = { settings: effectiveSettings(await mergeSettings(pool, userId, patch)) };
    } catch (error) {
      // The token outlived its user: an anonymous typist claimed by an account meanwhile.
      if (foreignKeyViolation(error) === 'user_settings_user_id_fkey') throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
      throw error;
    }
  });

  return router;
}
