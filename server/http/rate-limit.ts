import type { Context, Next } from 'koa';
import type { Logger } from '../obs/logger.ts';
import { HttpError } from './errors.ts';

export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
}

/**
 * Sliding-log rate limits kept in memory, per rule and key (the client IP). Per sidecar
 * process: behind a load balancer with N sidecars a client gets at most N times the limit,
 * which still stops guessing; a shared store is the upgrade path if that matters.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Records a hit; returns the seconds to wait when over the limit, else 0. */
  hit(rule: RateRule, key: string): number {
    const id = `${rule.name}:${key}`;
    const now = this.now();
    const since = now - rule.windowMs;
    const list = (this.hits.get(id) ?? []).filter((t) => t > since);
    if (list.length >= rule.limit) {
      this.hits.set(id, list);
      return Math.max(1, Math.ceil((list[0]! + rule.windowMs - now) / 1000));
    }
    list.push(now);
    this.hits.set(id, list);
    return 0;
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, list] of this.hits) if (list.every((t) => t < now - 24 * 3600_000)) this.hits.delete(id);
  }
}

export function rateLimit(limiter: RateLimiter, rule: RateRule, log: Logger, key: (ctx: Context) => string, enabled = true) {
  return async function limitRate(ctx: Context, next: Next): Promise<void> {
    if (!enabled) return next();
    const wait = limiter.hit(rule, key(ctx));
    if (wait > 0) {
      log.warn({ event: 'rate_limit_exceeded', rule: rule.name, key: key(ctx), path: ctx.path }, `rate limit ${rule.name} exceeded`);
      ctx.set('Retry-After', String(wait));
      throw new HttpError(429, 'RATE_LIMITED', `too many requests; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
    await next();
  };
}

/** The seed's auth limits, per client IP. */
export const AUTH_RULES = {
  login: { name: 'login', limit: 5, windowMs: 15 * 60_000 },
  register: { name: 'register', limit: 3, windowMs: 60 * 60_000 },
  passwordReset: { name: 'password_reset', limit: 3, windowMs: 60 * 60_000 },
  twoFactor: { name: 'two_factor', limit: 5, windowMs: 15 * 60_000 },
} satisfies Record<string, RateRule>;
