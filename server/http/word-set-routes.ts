import Router, { type RouterContext } from '@koa/router';
import { deleteOwnWordSet, findVisibleWordSet, insertWordSet, isBuiltInWordSet, listWordSets, updateOwnWordSet } from '../db/word-sets.ts';
import { findUserById } from '../auth/store/users.ts';
import { requireUser, userIdOf } from './authenticate.ts';
import { bodyOf } from './body.ts';
import { HttpError } from './errors.ts';
import { createWordSetInput, updateWordSetInput, wordSetIdParam } from '../../shared/api/word-sets.ts';
import { wordSetJson, wordSetSummaryJson } from './word-set-json.ts';
import { slugForName } from './word-set-slug.ts';
import { parseInput } from './validation.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * Word sets: the built-in public ones and the user's own. Another user's set answers 404
 * like a missing one (ids cannot be probed); a built-in set is visible to everyone, so
 * refusing to change it with 403 WORD_SET_READ_ONLY gives nothing away.
 */
export function wordSetRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api/word-sets' });
  const { pool, log } = deps;
  router.use(requireUser(deps.tokens));

  router.get('/', async (ctx) => {
    ctx.body = { wordSets: (await listWordSets(pool, userIdOf(ctx))).map(wordSetSummaryJson) };
  });

  router.get('/:id', async (ctx) => {
    const wordSet = await findVisibleWordSet(pool, idOf(ctx), userIdOf(ctx));
    if (!wordSet) throw notFound();
    ctx.body = { wordSet: wordSetJson(wordSet) };
  });

  router.post('/', async (ctx) => {
    const userId = userIdOf(ctx);
    const input = parseInput(createWordSetInput, bodyOf(ctx));
    const user = await findUserById(pool, userId);
    if (!user) throw new HttpError(401, 'TOKEN_INVALID', 'the account no longer exists');
    // An anonymous typist's data moves to an account when claimed; keeping word sets out of
    // it spares that move merging two users' set names.
    if (user.is_anonymous) throw new HttpError(403, 'ACCOUNT_REQUIRED', 'sign up to save your own word sets');
    const wordSet = await insertWordSet(pool, userId, { ...input, slug: slugForName(input.name) });
    if (!wordSet) throw nameTaken();
    log.info({ event: 'word_set_created', userId, wordSetId: wordSet.id, words: wordSet.word_count }, 'word set created');
    ctx.status = 201;
    ctx.set('Location', `/api/word-sets/${wordSet.id}`);
    ctx.body = { wordSet: wordSetJson(wordSet) };
  });

  router.patch('/:id', async (ctx) => {
    const userId = userIdOf(ctx);
    const id = idOf(ctx);
    const input = parseInput(updateWordSetInput, bodyOf(ctx));
    const result = await updateOwnWordSet(pool, id, userId, { ...input, slug: input.name === undefined ? undefined : slugForName(input.name) });
    if (!result.ok) throw result.reason === 'name_taken' ? nameTaken() : await refusal(id);
    ctx.body = { wordSet: wordSetJson(result.wordSet) };
  });

  router.delete('/:id', async (ctx) => {
    const userId = userIdOf(ctx);
    const id = idOf(ctx);
    if (!(await deleteOwnWordSet(pool, id, userId))) throw await refusal(id);
    log.info({ event: 'word_set_deleted', userId, wordSetId: id }, 'word set deleted');
    ctx.status = 204;
  });

  /** Why a change found no set of the user's: a built-in one, or none they can see. */
  async function refusal(id: string): Promise<HttpError> {
    if (await isBuiltInWordSet(pool, id)) return new HttpError(403, 'WORD_SET_READ_ONLY', 'built-in word sets cannot be changed; create your own');
    return notFound();
  }

  return router;
}

function idOf(ctx: RouterContext): string {
  return parseInput(wordSetIdParam, ctx.params).id;
}

function notFound(): HttpError {
  return new HttpError(404, 'WORD_SET_NOT_FOUND', 'no such word set');
}

function nameTaken(): HttpError {
  return new HttpError(409, 'WORD_SET_NAME_TAKEN', 'you already have a word set with this name', { fields: { name: 'taken' } });
}
