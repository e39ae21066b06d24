import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

export interface GeneratorHealth {
  /** Share of one core the generator process used over the run (100 = one full core). */
  cpuPercent: number;
  /**
   * How late the generator's event loop ran beyond its sampling timer, in ms. Node's
   * histogram includes the timer's own 10 ms resolution; it is taken off here, so an idle
   * generator reads 0, not 10.
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Reasons to believe the generator, not the server, limited the run. */
  warnings: string[];
}

/** Watches the load generator itself: CPU and event-loop stalls, whole-run and per second. */
export class GeneratorMonitor {
  private readonly whole: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly second: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly cpuStart = process.cpuUsage();
  private readonly wallStart = performance.now();
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();

  constructor() {
    this.whole.enable();
    this.second.enable();
  }

  /** The longest stall and the CPU share since the last call (for the timeline). */
  takeSecond(): { delayMaxMs: number; cpuPercent: number } {
    const cpu = process.cpuUsage(this.lastCpu);
    const wall = performance.now() - this.lastWall;
    this.lastCpu = process.cpuUsage();
    this.lastWall = performance.now();
    const delayMaxMs = floor(this.second.max);
    this.second.reset();
    return { delayMaxMs, cpuPercent: wall > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100) : 0 };
  }

  finish(ackP99Ms: number): GeneratorHealth {
    this.whole.disable();
    this.second.disable();
    const cpu = process.cpuUsage(this.cpuStart);
    const wall = performance.now() - this.wallStart;
    const cpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, wall)) * 100);
    const delay = { p50: floor(this.whole.percentile(50)), p99: floor(this.whole.percentile(99)), max: floor(this.whole.max) };
    return { cpuPercent, eventLoopDelayMs: delay, warnings: generatorWarnings(cpuPercent, delay, ackP99Ms) };
  }
}

function floor(ns: number): number {
  return Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e6 - RESOLUTION_MS)) : 0;
}

/**
 * Acks are timed by the generator: when its loop is late, every latency it measures is late
 * by as much. These are the signs that the figures describe the generator, not the server.
 */
export function generatorWarnings(cpuPercent: number, delay: { p99: number; max: number }, ackP99Ms: number): string[] {
  const warnings: string[] = [];
  if (cpuPercent >= 80) warnings.push(`the generator used ${cpuPercent}% of a core: it may be the bottleneck; use --workers or more machines`);
  if (delay.p99 >= 50 || (ackP99Ms > 0 && delay.p99 >= ackP99Ms * 0.25 && delay.p99 >= 10)) warnings.push(`the generator's event loop ran ${delay.p99} ms late at p99 (ack p99 ${ackP99Ms} ms): latencies include the generator's own delay`);
  if (delay.max >= 250) warnings.push(`the generator stalled for ${delay.max} ms once: acks in flight then were timed late`);
  return warnings;
}
