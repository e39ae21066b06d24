import type { Clock } from '../ingest/core/ports.ts';

/** The real clock and timers, for production; the ingest core and writer only see the Clock port. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
