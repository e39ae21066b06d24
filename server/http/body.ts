import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.ts';

/** JSON bodies only, at most 64 KB: nothing the API takes is larger. */
export function jsonBody() {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
  return async function parseJson(ctx: Context, next: Next): Promise<void> {
    await parse(ctx, async () => {
      // PostgreSQL text cannot hold U+0000: refused here, once, rather than a database error
      // (a 500) wherever a field forgot to check.
      if (containsNul((ctx.request as { body?: unknown }).body)) {
        throw new HttpError(400, 'INVALID_CHARACTER', 'text fields must not contain the NUL character (U+0000)');
      }
      await next();
    });
  };
}

/** The parsed JSON body (undefined when there was none); validate it before use. */
export function bodyOf(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\0') || containsNul(v, depth + 1));
}
