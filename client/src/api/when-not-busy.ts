import { ApiError } from './http.ts';

/**
 * Analytics the server had no turn for: ANALYTICS_BUSY (429 for the caller's own requests,
 * 503 for everyone's) means "try again shortly", not "failed" (shared/api/errors.ts). It
 * happens when one page asks for several reports at once on a busy server: the results page
 * of a learn-mode test asks for the session's figures while the lesson's key model and trend
 * are still being computed.
 */
export function isAnalyticsBusy(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'ANALYTICS_BUSY';
}

export interface BusyRetry {
  /** Tries at most, the first included. */
  attempts: number;
  /** Between tries: the server's hint is 2 s. */
  waitMs: number;
  /** Before each wait (the page says it is trying again). */
  onBusy?: (attempt: number) => void;
  /** True once nobody wants the answer (the page moved on): no further try. */
  stop?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** The server's hint is "in 2 s"; 15 tries is half a minute, longer than any analytics wait. */
export const ANALYTICS_RETRY = { attempts: 15, waitMs: 2000 } as const;

/** `work`, tried again while the server answers ANALYTICS_BUSY; any other error, or the last busy answer, is thrown. */
export async function whenNotBusy<T>(work: () => Promise<T>, retry: BusyRetry): Promise<T> {
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isAnalyticsBusy(error) || attempt >= retry.attempts || retry.stop?.()) throw error;
      retry.onBusy?.(attempt);
      await sleep(retry.waitMs);
      if (retry.stop?.()) throw error;
    }
  }
}
