import type { DeliveryStatus } from '../transport/delivery.ts';
import { SendingGrace } from './sending-grace.ts';

export type ConnectionLevel = 'idle' | 'synced' | 'sending' | 'offline' | 'failed';

/**
 * What the connection indicator shows, folded from the delivery status: are keystrokes
 * reaching the server, and how many are waiting.
 */
export class ConnectionState {
  level = $state<ConnectionLevel>('idle');
  waitingEvents = $state(0);
  waitingSessions = $state(0);
  failedSessions = $state(0);
  durable = $state(true);
  retryAtMs = $state<number | null>(null);
  detail = $state('');
  /** The sidecar could not be reached (sign-in failed): nothing can be delivered yet. */
  private unreachable = false;
  private last: DeliveryStatus | null = null;
  /** Whether unacknowledged keystrokes are a backlog worth showing, or just in flight. */
  private readonly grace = new SendingGrace();
  private recheck: ReturnType<typeof setTimeout> | null = null;

  /** The page could or could not reach the server at all (before any stream runs). */
  reachable(ok: boolean): void {
    if (this.unreachable === !ok) return;
    this.unreachable = !ok;
    if (this.last) this.apply(this.last);
    else if (!ok) this.level = 'offline';
  }

  apply(status: DeliveryStatus): void {
    this.last = status;
    const streams = status.streams.filter((s) => s.phase !== 'ended');
    this.durable = status.durable;
    this.failedSessions = status.failedSessions;
    this.waitingEvents = streams.reduce((n, s) => n + s.unackedEvents, 0) + status.parkedEvents;
    this.waitingSessions = streams.filter((s) => s.unackedBatches > 0).length;
    const waiting = streams.find((s) => s.phase === 'waiting');
    this.retryAtMs = waiting?.retryAtMs ?? null;
    this.detail = waiting?.reason ?? streams.find((s) => s.phase === 'failed')?.reason ?? '';
    if (streams.some((s) => s.phase === 'failed')) this.level = 'failed';
    // A first connection takes a few tens of milliseconds: only a failed attempt means offline.
    else if (this.unreachable || waiting || streams.some((s) => s.phase === 'connecting' && s.reason !== null)) this.level = 'offline';
    else if (this.backlogShown(status)) this.level = 'sending';
    else this.level = streams.length > 0 || this.level !== 'idle' ? 'synced' : 'idle';
  }

  /** "sending" only for a backlog older than the grace (sending-grace.ts), re-checked when it ends. */
  private backlogShown(status: DeliveryStatus): boolean {
    const verdict = this.grace.observe(this.waitingEvents > 0, status.parkedEvents > 0, performance.now());
    if (this.recheck !== null) clearTimeout(this.recheck);
    this.recheck = verdict.recheckInMs === null ? null : setTimeout(() => {
      this.recheck = null;
      if (this.last) this.apply(this.last);
    }, verdict.recheckInMs);
    return verdict.show;
  }
}
