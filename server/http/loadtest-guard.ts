import type { Context, Next } from 'koa';
import { safeEqual } from '../auth/secrets.ts';
import { clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/** Wrong tokens an address may present per window before every request from it is refused. */
export const LOADTEST_TOKEN_FAILURES = { name: 'loadtest-token-failures', limit: 10, windowMs: 10 * 60_000 };

/**
 * The load-test endpoints' door. Off (404, as if absent) unless LOADTEST_TOKEN is set and,
 * in production, LOADTEST_ALLOW_PRODUCTION too. A wrong token is logged with the client's
 * address and counted; an address over LOADTEST_TOKEN_FAILURES gets 429 for the rest of
 * the window, even with the right token, so guessing gets nowhere and the log stays short.
 */
export function loadtestGuard(deps: SidecarDeps) {
  const expected = deps.config.loadtestToken;
  const failures = new Map<string, number[]>();
  const recent = (ip: string, now: number) => (failures.get(ip) ?? []).filter((t) => t > now - LOADTEST_TOKEN_FAILURES.windowMs);
  return async function guardLoadtest(ctx: Context, next: Next): Promise<void> {
    if (!expected) throw new HttpError(404, 'NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
    const ip = clientIp(ctx, deps.trustedProxies);
    const now = Date.now();
    const seen = recent(ip, now);
    if (seen.length >= LOADTEST_TOKEN_FAILURES.limit) {
      const wait = Math.max(1, Math.ceil((seen[0]! + LOADTEST_TOKEN_FAILURES.windowMs - now) / 1000));
      ctx.set('Retry-After', String(wait));
      throw new HttpError(429, 'RATE_LIMITED', `too many wrong load-test tokens from this address; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
    if (!safeEqual(ctx.get('x-loadtest-token'), expected)) {
      seen.push(now);
      failures.set(ip, seen);
      if (failures.size > 10_000) failures.delete(failures.keys().next().value!); // bounded memory under a spray of addresses
      deps.log.warn({ event: 'loadtest_token_rejected', ip, path: ctx.path, failures: seen.length }, 'wrong load-test token');
      throw new HttpError(403, 'LOADTEST_TOKEN_INVALID', 'a valid X-Loadtest-Token header is required');
    }
    await next();
  };
}
