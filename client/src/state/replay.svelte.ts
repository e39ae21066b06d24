import type { ReplayKey } from '../analysis/replay-text.ts';

export const REPLAY_SPEEDS = [0.5, 1, 1.5, 2, 4] as const;

/**
 * The replay clock: `positionMs` advances with real time times `speed` while playing, on
 * animation frames, so the text re-types at the session's own timing. Scrubbing sets the
 * position; reaching the end pauses.
 */
export class ReplayClock {
  positionMs = $state(0);
  playing = $state(false);
  speed = $state<number>(1);
  readonly durationMs: number;
  private frame = 0;
  private lastFrameAt = 0;

  constructor(keys: readonly ReplayKey[]) {
    this.durationMs = keys.length ? keys[keys.length - 1]!.atMs + 200 : 0;
  }

  play(): void {
    if (this.positionMs >= this.durationMs) this.positionMs = 0;
    this.playing = true;
    this.lastFrameAt = performance.now();
    this.frame = requestAnimationFrame(this.tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
  }

  seek(ms: number): void {
    this.positionMs = Math.max(0, Math.min(this.durationMs, ms));
  }

  private tick = (now: number) => {
    if (!this.playing) return;
    this.positionMs = Math.min(this.durationMs, this.positionMs + (now - this.lastFrameAt) * this.speed);
    this.lastFrameAt = now;
    if (this.positionMs >= this.durationMs) this.pause();
    else this.frame = requestAnimationFrame(this.tick);
  };
}
