import * as hdr from 'hdr-histogram-js';

/** Counters of one load run, fed by every client, read by the progress bar and the report. */
export class RunStats {
  sentEvents = 0;
  ackedEvents = 0;
  reconnects = 0;
  connections = 0;
  readonly errorsByCode: Record<string, number> = {};
  // HDR histogram: exact percentiles to 3 significant digits at any count, in O(1) memory.
  readonly latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
  private window = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
  private windowAcked = 0;
  private windowErrors = 0;
  /** Outage measurement: acks of events typed before this time (the recovery) count as backlog. */
  private backlogBefore = 0;
  backlogDelivered = 0;
  lastBacklogAckAt = 0;

  sent(events: number): void {
    this.sentEvents += events;
  }

  acked(events: number, latencyMs: number, typedAt = 0): void {
    if (this.backlogBefore && typedAt && typedAt < this.backlogBefore) {
      this.backlogDelivered += events;
      this.lastBacklogAckAt = Date.now();
    }
    this.ackedEvents += events;
    this.windowAcked += events;
    const value = Math.max(1, Math.round(latencyMs));
    this.latency.recordValue(value);
    this.window.recordValue(value);
  }

  connected(delta: number): void {
    this.connections += delta;
  }

  reconnect(): void {
    this.reconnects++;
  }

  /** When clients were welcomed back after losing their connection (for recovery times). */
  readonly resumedAt: number[] = [];

  resumed(at: number): void {
    this.resumedAt.push(at);
  }

  error(code: string): void {
    this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + 1;
    this.windowErrors++;
  }

  /** From now on, acks of batches sent before `at` are counted as the backlog an outage left. */
  markBacklog(at: number): void {
    this.backlogBefore = at;
  }

  /** Events acked and p99 and max ack latency since the last call (progress and timeline). */
  takeWindow(): { acked: number; p50: number; p99: number; max: number; errors: number } {
    const has = this.window.totalCount > 0;
    const result = { acked: this.windowAcked, p50: has ? this.window.getValueAtPercentile(50) : 0, p99: has ? this.window.getValueAtPercentile(99) : 0, max: has ? this.window.maxValue : 0, errors: this.windowErrors };
    this.windowAcked = 0;
    this.windowErrors = 0;
    this.window.reset();
    return result;
  }

  latencySummary(): { p50: number; p90: number; p99: number; max: number } {
    if (this.latency.totalCount === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
    return {
      p50: this.latency.getValueAtPercentile(50),
      p90: this.latency.getValueAtPercentile(90),
      p99: this.latency.getValueAtPercentile(99),
      max: this.latency.maxValue,
    };
  }
}
