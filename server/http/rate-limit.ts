import type { Context, Next } from 'koa';
import type { Logger } from '../obs/logger.ts';
import type { Queryable } from '../db/queryable.ts';
import { sweepThrottle } from '../auth/store/sign-in-throttle.ts';
import { HttpError } from './errors.ts';
import { waitText } from '../../shared/wait-text.ts';

/** "42 s" or "15 min": how long to wait, in the words the message gives (shared with auth's lockout). */
export { waitText };

export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
  /**
   * Counted in PostgreSQL, so every sidecar process shares one budget per client. Rules
   * that guard accounts are shared; the general per-minute limit stays in memory (one query
   * per API request would cost more than the abuse it stops).
   */
  shared?: boolean;
  /** Only answers that failed (401, 423: a wrong password or code) use up the allowance. */
  failuresOnly?: boolean;
}

/** Fixed windows in memory are capped: past this many clients the oldest window is dropped. */
const MEMORY_KEYS = 100_000;

/**
 * Fixed-window rate limits per rule and client key (the client's address group, see
 * addressGroup). Shared rules live in `rate_limit_windows`; the rest in a bounded Map.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; hits: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly db?: Queryable, private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => void this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Records a hit; returns the seconds to wait when over the limit, else 0. */
  async hit(rule: RateRule, key: string): Promise<number> {
    if (rule.shared && this.db) {
      const { rows } = await this.db.query<{ hits: number; wait: number }>(
        `INSERT INTO rate_limit_windows AS w (rule, client_key, window_start, hits) VALUES ($1, $2, now(), 1)
         ON CONFLICT (rule, client_key) DO UPDATE SET
           hits = CASE WHEN w.window_start <= now() - make_interval(secs => $3) THEN 1 ELSE w.hits + 1 END,
           window_start = CASE WHEN w.window_start <= now() - make_interval(secs => $3) THEN now() ELSE w.window_start END
         RETURNING hits, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now()))::int AS wait`,
        [rule.name, key, rule.windowMs / 1000],
      );
      return rows[0]!.hits > rule.limit ? Math.max(1, rows[0]!.wait) : 0;
    }
    const id = `${rule.name}:${key}`;
    const now = this.now();
    let window = this.windows.get(id);
    if (!window || window.start <= now - rule.windowMs) {
      this.windows.delete(id);
      window = { start: now, hits: 0 };
      this.windows.set(id, window);
      if (this.windows.size > MEMORY_KEYS) this.windows.delete(this.windows.keys().next().value!);
    }
    window.hits++;
    return window.hits > rule.limit ? Math.max(1, Math.ceil((window.start + rule.windowMs - now) / 1000)) : 0;
  }

  /** The wait if the client is already over the limit, without counting anything. */
  async peek(rule: RateRule, key: string): Promise<number> {
    if (rule.shared && this.db) {
      const { rows } = await this.db.query<{ hits: number; wait: number }>(
        `SELECT hits, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now()))::int AS wait
         FROM rate_limit_windows WHERE rule = $1 AND client_key = $2 AND window_start > now() - make_interval(secs => $3)`,
        [rule.name, key, rule.windowMs / 1000],
      );
      return rows[0] && rows[0].hits >= rule.limit ? Math.max(1, rows[0].wait) : 0;
    }
    const window = this.windows.get(`${rule.name}:${key}`);
    const now = this.now();
    if (!window || window.start <= now - rule.windowMs || window.hits < rule.limit) return 0;
    return Math.max(1, Math.ceil((window.start + rule.windowMs - now) / 1000));
  }

  /** How many clients the in-memory table holds (bounded by MEMORY_KEYS). */
  get memoryKeys(): number {
    return this.windows.size;
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    for (const [id, window] of this.windows) if (window.start < now - 24 * 3600_000) this.windows.delete(id);
    if (!this.db) return;
    try {
      await this.db.query("DELETE FROM rate_limit_windows WHERE window_start < now() - interval '1 day'");
      await sweepThrottle(this.db, 24 * 60);
    } catch {
      // The database is away: the next sweep catches up, and nothing depends on this one.
    }
  }
}

export function rateLimit(limiter: RateLimiter, rule: RateRule, log: Logger, key: (ctx: Context) => string, enabled = true) {
  const refuse = (ctx: Context, wait: number): HttpError => {
    log.warn({ event: 'rate_limit_exceeded', rule: rule.name, key: key(ctx), ip: ctx.state.clientIp, path: ctx.path }, `rate limit ${rule.name} exceeded`);
    ctx.set('Retry-After', String(wait));
    return new HttpError(429, 'RATE_LIMITED', `too many requests; try again in ${waitText(wait)}`, { retryAfterSeconds: wait });
  };
  return async function limitRate(ctx: Context, next: Next): Promise<void> {
    if (!enabled) return next();
    if (!rule.failuresOnly) {
      const wait = await limiter.hit(rule, key(ctx));
      if (wait > 0) throw refuse(ctx, wait);
      return next();
    }
    const wait = await limiter.peek(rule, key(ctx));
    if (wait > 0) throw refuse(ctx, wait);
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError && (error.status === 401 || error.status === 423)) await limiter.hit(rule, key(ctx));
      throw error;
    }
  };
}

/** The auth limits, per client address group, shared by all sidecar processes. */
export const AUTH_RULES = {
  login: { name: 'login', limit: 5, windowMs: 15 * 60_000, shared: true, failuresOnly: true },
  register: { name: 'register', limit: 3, windowMs: 60 * 60_000, shared: true },
  passwordReset: { name: 'password_reset', limit: 3, windowMs: 60 * 60_000, shared: true },
  twoFactor: { name: 'two_factor', limit: 5, windowMs: 15 * 60_000, shared: true, failuresOnly: true },
} satisfies Record<string, RateRule>;
