import type { Logger } from '../../obs/logger.ts';
import type { EmbeddedPostgres } from './embedded-postgres.ts';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
/** Up this long after a restart, and the next failure starts the backoff afresh. */
const STABLE_MS = 60_000;

/**
 * Keeps `npm start`'s embedded PostgreSQL running: when it exits without being asked to
 * (killed, crashed, out of memory), it is started again on the same data folder, waiting
 * 0.5 s, 1 s, 2 s ... up to 30 s between attempts, each attempt logged. Meanwhile the app
 * behaves as during any outage (/health 503, ingest keeps batches) and recovers by itself.
 */
export class EmbeddedSupervisor {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private delayMs = FIRST_DELAY_MS;
  private lastRestartAt = 0;
  private attempt = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly postgres: EmbeddedPostgres,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.unsubscribe = postgres.onUnexpectedExit((code, signal) => this.exited(code, signal));
  }

  /** Stops supervising (before a deliberate stop of PostgreSQL). */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.timer);
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped) return;
    if (this.clock() - this.lastRestartAt > STABLE_MS) {
      this.delayMs = FIRST_DELAY_MS;
      this.attempt = 0;
    }
    this.log.error({ event: 'embedded_postgres_exited', code, signal, restartInMs: this.delayMs }, 'the embedded PostgreSQL stopped unexpectedly; restarting it');
    this.schedule();
  }

  private schedule(): void {
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, MAX_DELAY_MS);
    this.timer = setTimeout(() => void this.restart(), delay);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    this.attempt++;
    try {
      await this.postgres.restart();
      this.lastRestartAt = this.clock();
      this.log.warn({ event: 'embedded_postgres_restarted', attempt: this.attempt, pid: this.postgres.pid }, 'the embedded PostgreSQL runs again');
    } catch (error) {
      if (this.stopped) return;
      this.log.error({ event: 'embedded_postgres_restart_failed', attempt: this.attempt, retryInMs: this.delayMs, err: error }, 'the embedded PostgreSQL did not start; trying again');
      this.schedule();
    }
  }
}
