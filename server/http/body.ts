import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';

/** JSON bodies only, at most 64 KB: nothing the API takes is larger. */
export function jsonBody() {
  return bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' });
}

/** The parsed JSON body (undefined when there was none); validate it before use. */
export function bodyOf(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}
