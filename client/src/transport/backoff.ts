/**
 * Reconnect delays: exponential from `baseMs`, capped, with "equal jitter" (half fixed,
 * half random) so that the clients of a restarted server do not all come back in the same
 * millisecond, yet none waits less than half its step. Attempt 0 is the first retry.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random, baseMs = 250, capMs = 8000): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/** A wait that can be cut short (the browser came back online, the page is closing). */
export interface Pause {
  done: Promise<void>;
  wake(): void;
}

export function pause(ms: number): Pause {
  let wake = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake };
}
