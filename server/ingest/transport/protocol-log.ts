import { closeCodeFor } from '../../../shared/protocol/codes.ts';
import type { Logger } from '../../obs/logger.ts';
import type { ProtectionMetrics } from '../../obs/protection-metrics.ts';
import type { ProtocolReport } from '../core/ports.ts';

/** Log lines per code per window: enough to see who and what, too few to flood the log. */
const LINES_PER_WINDOW = 20;
const WINDOW_MS = 60_000;

/**
 * Turns the core's protocol reports into log lines and metrics. Client faults (the permanent
 * 41xx refusals) are logged with session and code, rate-limited per code: a hostile client
 * sending thousands of bad frames must not turn the log into the attack. Claims and ends
 * refused because the database was not reached in time (a pool exhausted by a burst, a
 * database down) are logged with their cause, rate-limited the same way. Other transient
 * closes (shutdown, overload) are the server's own decisions, logged where they are made.
 */
export class ProtocolLog {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly log: Logger, private readonly metrics: ProtectionMetrics, private readonly now: () => number = Date.now) {}

  report(event: ProtocolReport): void {
    switch (event.kind) {
      case 'seq_conflict':
        this.metrics.seqConflict();
        if (this.allowed('seq_conflict')) this.log.warn({ event: 'ingest_seq_conflict', sessionId: event.sessionId, seq: event.seq }, 'a resent batch differs from the one first received under its seq; the first is kept');
        return;
      case 'acked_data_lost':
        this.metrics.ackedDataLost();
        this.log.error({ event: 'ingest_acked_data_lost', sessionId: event.sessionId, lastAckedSeq: event.lastAckedSeq, committedSeq: event.committedSeq }, 'the client saw acknowledgements beyond what is stored');
        return;
      case 'database_unavailable':
        if (this.allowed('database_unavailable')) {
          this.log.warn({ event: 'ingest_database_refusal', sessionId: event.sessionId, during: event.during, cause: event.cause }, `a ${event.during} was refused with DATABASE_UNAVAILABLE: ${event.cause}`);
        }
        return;
      case 'violation': {
        const close = closeCodeFor(event.code);
        if (close < 4100 || close > 4199 || event.code === 'SESSION_TAKEN_OVER') return;
        if (this.allowed(event.code)) this.log.warn({ event: 'ingest_protocol_violation', sessionId: event.sessionId, code: event.code, closeCode: close, detail: event.message }, `protocol violation: ${event.code}`);
      }
    }
  }

  private allowed(key: string): boolean {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      const suppressed = [...this.counts].filter(([, n]) => n > LINES_PER_WINDOW).map(([k, n]) => ({ code: k, suppressed: n - LINES_PER_WINDOW }));
      if (suppressed.length) this.log.warn({ event: 'ingest_protocol_log_suppressed', suppressed }, 'protocol log lines suppressed in the last minute');
      this.windowStart = now;
      this.counts.clear();
    }
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n <= LINES_PER_WINDOW;
  }
}
