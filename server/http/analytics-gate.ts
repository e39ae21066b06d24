import type { Logger } from '../obs/logger.ts';
import { HttpError } from './errors.ts';

export interface AnalyticsGateOptions {
  /** Analytics statements at once: the analytics pool's size. */
  concurrency: number;
  /** Requests of one user running or waiting; more is ANALYTICS_BUSY (429). */
  perUser: number;
  /** Requests waiting for a turn across all users; more is ANALYTICS_BUSY (503). */
  maxWaiting: number;
  /** How long a request waits for its turn before it is ANALYTICS_BUSY (503). */
  maxWaitMs: number;
}

/**
 * SQLSTATEs of a statement PostgreSQL stopped for its cost: query_canceled (statement_timeout
 * fired) and configuration_limit_exceeded (temp_file_limit reached).
 */
const TOO_HEAVY = new Set(['57014', '53400']);

/**
 * Request-path analytics take turns: at most `concurrency` run at once, each on the small
 * analytics pool, so twenty heavy reports cannot take the connections or the cores that
 * sign-in and the ingest writer need. One user gets at most `perUser` turns at once, which
 * is the limit on uncached (non-default) parameters: a user asking for fatigueWindowSec=1
 * over and over only queues behind themself. A statement that runs past the analytics
 * timeout is cancelled by PostgreSQL and answered 503 ANALYTICS_TIMEOUT, and logged.
 */
export class AnalyticsGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly perUser = new Map<string, number>();

  constructor(private readonly options: AnalyticsGateOptions, private readonly log: Logger) {}

  async run<T>(userId: string, what: string, work: () => Promise<T>): Promise<T> {
    const mine = this.perUser.get(userId) ?? 0;
    if (mine >= this.options.perUser) throw busy(429, 'you already have analytics being computed; wait for them to finish');
    this.perUser.set(userId, mine + 1);
    try {
      await this.turn();
      const started = Date.now();
      try {
        return await work();
      } catch (error) {
        if (!TOO_HEAVY.has(String((error as { code?: unknown }).code))) throw error;
        this.log.warn({ event: 'analytics_timeout', userId, what, ms: Date.now() - started }, 'an analytics statement ran past its timeout and was cancelled');
        throw new HttpError(503, 'ANALYTICS_TIMEOUT', 'these analytics took too long to compute; try a shorter window or the default parameters');
      } finally {
        this.release();
      }
    } finally {
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    }
  }

  private turn(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(busy(503, 'the server is computing many analytics right now; try again shortly'));
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        this.running++;
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(busy(503, 'the server is computing many analytics right now; try again shortly'));
      }, this.options.maxWaitMs);
      this.waiting.push(wake);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

function busy(status: 429 | 503, message: string): HttpError {
  return new HttpError(status, 'ANALYTICS_BUSY', message, { retryAfterSec: 2 });
}
