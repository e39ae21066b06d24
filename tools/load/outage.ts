import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { OutageFigures } from './run-load.ts';
import type { RunStats } from './run-stats.ts';

/**
 * Sends a signal to a process and all its descendants (PostgreSQL's postmaster alone frozen
 * would leave its backends answering). Returns the pids signalled, parents first.
 */
function signalTree(root: number, signal: NodeJS.Signals): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended while we looked
    }
  }
  const pids: number[] = [];
  const walk = (pid: number) => {
    pids.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  for (const pid of pids) process.kill(pid, signal);
  return pids;
}

/**
 * An outage in the middle of a run (`--outage-at S --outage-seconds D`): the target stops at
 * S and comes back at S+D. A process given by pid (the server, or PostgreSQL) is frozen with
 * SIGSTOP and resumed with SIGCONT, children included; a server the tool started itself (`--server-cmd`) is
 * killed with SIGKILL and started again. Acks of batches sent before the recovery then count
 * as the backlog, and the last of them gives the time to drain it.
 */
/**
 * Signals a server's process group. A group that is already gone (ESRCH) is the state we
 * wanted: the run ended without a server, and its report must still be written.
 */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export class Outage {
  private server: ChildProcess | undefined;
  private stoppedAt = 0;
  private recoveredAt = 0;
  private frozen: number[] = [];

  constructor(private readonly plan: { atSec: number; seconds: number; pid?: number; serverCmd?: string }, private readonly log: (line: string) => void = () => undefined) {}

  /** With --server-cmd: starts the server before the run. */
  startServer(): void {
    if (this.plan.serverCmd) this.server = this.spawnServer();
  }

  /** Called every second by the run. */
  onSecond(stats: RunStats, elapsedSec: number): void {
    if (!this.stoppedAt && elapsedSec >= this.plan.atSec) {
      this.stoppedAt = Date.now();
      if (this.plan.pid) this.frozen = signalTree(this.plan.pid, 'SIGSTOP');
      else if (this.server?.pid) killGroup(this.server.pid, 'SIGKILL');
      this.log(`[load] outage: target stopped at ${elapsedSec} s`);
    } else if (this.stoppedAt && !this.recoveredAt && elapsedSec >= this.plan.atSec + this.plan.seconds) {
      this.recoveredAt = Date.now();
      if (this.plan.pid) this.thaw();
      else this.server = this.spawnServer();
      stats.markBacklog(this.recoveredAt);
      this.log(`[load] outage: target restarted at ${elapsedSec} s`);
    }
  }

  figures(stats: RunStats): OutageFigures {
    return {
      target: this.plan.pid ? `pid ${this.plan.pid} (SIGSTOP/SIGCONT)` : `server command (SIGKILL, restart)`,
      atSec: this.plan.atSec,
      seconds: this.plan.seconds,
      backlogDelivered: stats.backlogDelivered,
      drainSec: stats.lastBacklogAckAt ? Math.round((stats.lastBacklogAckAt - this.recoveredAt) / 100) / 10 : null,
    };
  }

  /** Resumes a frozen target and stops a server the tool started: nothing is left behind. */
  async finish(): Promise<void> {
    if (this.plan.pid && this.stoppedAt && !this.recoveredAt) this.thaw();
    const server = this.server;
    // A process that ended by a signal keeps exitCode null: both must be null while it runs.
    const running = () => server !== undefined && server.exitCode === null && server.signalCode === null;
    if (server?.pid && running()) {
      const exited = new Promise((r) => server.once('exit', r));
      killGroup(server.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer); // or the tool would stay alive 10 s after its report
      if (running()) killGroup(server.pid, 'SIGKILL');
    }
  }

  private thaw(): void {
    for (const pid of this.frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // it ended while frozen (killed from outside): nothing to resume
      }
    }
  }

  private spawnServer(): ChildProcess {
    // Its own process group, so SIGKILL reaches the whole server (npm, node and children).
    return spawn(this.plan.serverCmd!, { shell: true, detached: true, stdio: 'ignore' });
  }
}
