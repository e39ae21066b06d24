import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.ts';

/**
 * JSON bodies only, at most 64 KB: nothing the API takes is larger, except the paths in
 * `largeBodies` (path -> byte limit), such as an import that must arrive in one request.
 */
export function jsonBody(largeBodies: Readonly<Record<string, number>> = {}) {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
  const large = new Map(Object.entries(largeBodies).map(([path, limit]) => [path, bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8' })]));
  return async function parseJson(ctx: Context, next: Next): Promise<void> {
    const parser = large.get(ctx.path) ?? parse;
    await parser(ctx, async () => {
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
