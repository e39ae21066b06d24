import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.ts';

/**
 * JSON bodies only, at most 64 KB: nothing the API takes is larger, except the `deferred`
 * paths, whose routes parse a larger body themselves with largeJsonBody() AFTER checking
 * who is asking, so nobody can make the server read megabytes without signing in.
 */
export function jsonBody(deferred: readonly string[] = []) {
  const parse = parserWithNulCheck('64kb');
  const skip = new Set(deferred);
  return async function parseJson(ctx: Context, next: Next): Promise<void> {
    if (skip.has(ctx.path)) await next();
    else await parse(ctx, next);
  };
}

/** A route's own JSON body parser for a body larger than the API's 64 KB (bytes). */
export function largeJsonBody(limitBytes: number) {
  return parserWithNulCheck(limitBytes);
}

function parserWithNulCheck(limit: string | number) {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8' });
  return async function parseJson(ctx: Context, next: Next): Promise<void> {
    await parse(ctx, async () => {
      // PostgreSQL text cannot hold U+0000: refused here, once, rather than a database error
      // (a 500) wherever a field forgot to check.
      const field = nulField((ctx.request as { body?: unknown }).body, '');
      if (field !== undefined) {
        throw new HttpError(400, 'VALIDATION_FAILED', 'some fields are missing or invalid', { fields: { [field || '(body)']: 'must not contain the NUL character (U+0000)' } });
      }
      await next();
    });
  };
}

/** The parsed JSON body (undefined when there was none); validate it before use. */
export function bodyOf(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}

/** The path (`words.0`, `config.note`) of the first string holding U+0000, if any. */
function nulField(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return at;
    const found = nulField(child, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
