import type { Logger } from '../obs/logger.ts';

type Step = { name: string; run: () => Promise<void> };

/**
 * Stops the parts of a process in the reverse order they were started, once, on SIGINT or
 * SIGTERM; a second signal or the deadline forces the exit so nothing hangs.
 */
export class Shutdown {
  private readonly steps: Step[] = [];
  private readonly emergencies: Array<() => void> = [];
  private running: Promise<void> | undefined;

  constructor(private readonly log: Logger, private readonly deadlineMs: number) {}

  /** Registers a stop step; steps run last-registered first. */
  add(name: string, run: () => Promise<void>): void {
    this.steps.unshift({ name, run });
  }

  /** Runs synchronously if the deadline passes, before the forced exit (e.g. SIGQUIT PostgreSQL). */
  addEmergency(run: () => void): void {
    this.emergencies.push(run);
  }

  listen(onDone: (code: number) => void): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.running) {
          this.log.warn({ event: 'shutdown_forced', signal }, 'second signal: exiting now');
          this.emergency();
          onDone(1);
          return;
        }
        this.log.info({ event: 'shutdown_started', signal }, 'stopping');
        void this.run().then(onDone);
      });
    }
  }

  run(): Promise<number> {
    this.running ??= this.runSteps();
    return this.running.then(() => this.failed ? 1 : 0);
  }

  private failed = false;

  private emergency(): void {
    for (const run of this.emergencies) {
      try {
        run();
      } catch (error) {
        this.log.error({ event: 'shutdown_emergency_failed', err: error }, 'emergency stop failed');
      }
    }
  }

  private async runSteps(): Promise<void> {
    const deadline = setTimeout(() => {
      this.log.error({ event: 'shutdown_deadline_exceeded', deadlineMs: this.deadlineMs }, 'shutdown took too long: exiting');
      this.emergency();
      process.exit(1);
    }, this.deadlineMs);
    deadline.unref();
    for (const step of this.steps) {
      try {
        await step.run();
      } catch (error) {
        this.failed = true;
        this.log.error({ event: 'shutdown_step_failed', step: step.name, err: error }, `stopping ${step.name} failed`);
      }
    }
    clearTimeout(deadline);
    this.log.info({ event: 'shutdown_complete' }, 'stopped');
  }
}
