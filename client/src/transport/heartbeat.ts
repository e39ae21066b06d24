import { HEARTBEAT_DEAD_MS, HEARTBEAT_IDLE_MS } from '../../../shared/protocol/pacing.ts';

/**
 * Notices a frozen server (PROTOCOL.md §6.3): a socket that stays open while nothing comes
 * back. Any frame from the server counts as a sign of life; after HEARTBEAT_IDLE_MS of
 * silence a `ping` goes out, and after HEARTBEAT_DEAD_MS the connection is given up, so the
 * typist sees "offline" within about five seconds instead of waiting on an ack timeout.
 * It runs from the moment the socket is created: an upgrade that never completes is the
 * same silence.
 */
const CHECK_EVERY_MS = 500;

export class Heartbeat {
  private lastHeardAt: number;
  private lastPingAt = Number.NEGATIVE_INFINITY;
  private lastCheckAt: number;
  private pings = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ping: (n: number) => void,
    private readonly dead: () => void,
    private readonly canPing: () => boolean,
  ) {
    this.lastHeardAt = performance.now();
    this.lastCheckAt = this.lastHeardAt;
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
  }

  /** Something came from the server. */
  heard(): void {
    this.lastHeardAt = performance.now();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    const now = performance.now();
    // A check that runs late means this page was not running (a long task, a throttled
    // background tab, a busy machine): the server's frames may be waiting unread in the socket.
    // That silence is ours, not the server's, so it starts over.
    if (now - this.lastCheckAt > CHECK_EVERY_MS * 3) this.lastHeardAt = Math.max(this.lastHeardAt, now - CHECK_EVERY_MS);
    this.lastCheckAt = now;
    const silent = now - this.lastHeardAt;
    if (silent >= HEARTBEAT_DEAD_MS) {
      this.stop();
      this.dead();
      return;
    }
    if (silent >= HEARTBEAT_IDLE_MS && now - this.lastPingAt >= HEARTBEAT_IDLE_MS && this.canPing()) {
      this.lastPingAt = now;
      this.ping(++this.pings);
    }
  }
}
