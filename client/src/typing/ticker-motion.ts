/**
 * How long the ticker tape slides after each keystroke. The tape moves one character per
 * key; a short linear slide reads as motion rather than a jump. But a slide longer than the
 * gap between keys lags behind the typist (the current character drifts off centre and the
 * tape looks rubbery), so the slide is at most half the recent key interval, and off
 * altogether above ~100 wpm (120 ms a character), where one frame per key is smoother than
 * any animation.
 */
export const TICKER_SLIDE_MS = 90;
const OFF_BELOW_INTERVAL_MS = 120;

export function tickerSlideMs(intervalMs: number | null): number {
  if (intervalMs === null) return TICKER_SLIDE_MS;
  if (intervalMs < OFF_BELOW_INTERVAL_MS) return 0;
  return Math.min(TICKER_SLIDE_MS, Math.round(intervalMs / 2));
}

/** An exponential moving average of the keydown-to-keydown interval; pauses are ignored. */
export class KeyPace {
  private lastMs: number | null = null;
  intervalMs: number | null = null;

  keydown(atMs: number): void {
    if (this.lastMs !== null) {
      const gap = atMs - this.lastMs;
      // A pause (reading ahead, a break) says nothing about typing speed.
      if (gap < 1000) this.intervalMs = this.intervalMs === null ? gap : this.intervalMs * 0.7 + gap * 0.3;
    }
    this.lastMs = atMs;
  }
}
