import type { Context } from 'koa';
import type { JwtTokens } from '../auth/jwt-tokens.ts';

/**
 * The user of a valid `Authorization: Bearer` access token, or undefined. For routes that
 * serve everyone but say more when they know who asks (the browser's log lines): a missing
 * or expired token is no reason to refuse them.
 */
export function optionalUserId(ctx: Context, tokens: JwtTokens): string | undefined {
  const header = ctx.get('authorization');
  if (!header.startsWith('Bearer ')) return undefined;
  const check = tokens.verify('access', header.slice(7).trim());
  return check.ok ? check.userId : undefined;
}
