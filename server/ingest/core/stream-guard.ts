import type { ErrorCode } from '../../../shared/protocol/codes.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { offsetProblem } from '../../../shared/protocol/offset-rules.ts';

/** What the claim told about the session's past: where its clock stands and the owner's quota. */
export interface StreamStart {
  /** Offset of the last stored event (0 when none): the next batch may not start before it. */
  lastOffsetUs?: number;
  /** Events the session's owner may still store today; undefined: no quota. */
  eventsLeft?: number;
}

/**
 * The rules a new batch must meet beyond its own shape, which need the session's history:
 * offsets continue from the last event received (PROTOCOL.md §3, never backwards, never
 * past MAX_SESSION_SPAN_US), and the owner's daily event quota. One per connection.
 */
export class StreamGuard {
  private lastOffsetUs = 0;
  private eventsLeft = Number.POSITIVE_INFINITY;

  begin(start: StreamStart): void {
    this.lastOffsetUs = start.lastOffsetUs ?? 0;
    this.eventsLeft = start.eventsLeft ?? Number.POSITIVE_INFINITY;
  }

  /** Why this new batch is refused, or null; a refused batch is neither stored nor acked. */
  refusal(events: readonly KeyEvent[]): { code: ErrorCode; message: string } | null {
    const problem = offsetProblem(events, this.lastOffsetUs);
    if (problem) return { code: problem.code, message: `batch: ${problem.message}` };
    if (events.length > this.eventsLeft) {
      return { code: 'EVENT_QUOTA_EXCEEDED', message: 'this account stored as many events today as the server allows; try again tomorrow' };
    }
    return null;
  }

  accepted(events: readonly KeyEvent[]): void {
    this.lastOffsetUs = events[events.length - 1]!.offsetUs;
    this.eventsLeft -= events.length;
  }
}
