import pg from 'pg';

export type DatabaseState = 'connected' | 'disconnected';

export interface HealthMonitorOptions {
  intervalMs?: number;
  timeoutMs?: number;
  onChange?: (state: DatabaseState, error?: Error) => void;
}

/**
 * Probes PostgreSQL once a second, so that /health answers at once from the last probe and
 * turns to "disconnected" within a few seconds of the database going away, even when every
 * pooled connection is busy or hung. Each probe opens a NEW connection and runs a query on
 * it within the timeout: a connection kept open would go on answering while the postmaster
 * is stopped (SIGSTOP) or refuses new connections after a smart shutdown, because its
 * backend is a process of its own; the pools, which do open connections, would then hang or
 * fail while /health said healthy. One short-lived backend a second is the price.
 */
export class DatabaseHealthMonitor {
  private state: DatabaseState = 'disconnected';
  private timer: NodeJS.Timeout | undefined;
  private client: pg.Client | undefined;
  private probing = false;
  /** Bumped by markUnavailable: a probe begun before it cannot report "connected". */
  private epoch = 0;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly connectionString: string, private readonly options: HealthMonitorOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  get current(): DatabaseState {
    return this.state;
  }

  async start(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Reports the database gone at once, without waiting for the next probe (the embedded
   * PostgreSQL's supervisor saw it exit). The state stays "disconnected" until a probe that
   * began after this call succeeds, so even an outage shorter than the probe interval,
   * e.g. one the supervisor ends by a restart within a second, is seen on /health.
   */
  markUnavailable(error: Error): void {
    this.epoch++;
    this.set('disconnected', error);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.dropClient();
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    const epoch = this.epoch;
    try {
      await withTimeout(this.check(), this.timeoutMs);
      if (epoch === this.epoch) this.set('connected');
    } catch (error) {
      await this.dropClient();
      this.set('disconnected', error as Error);
    } finally {
      this.probing = false;
    }
  }

  private async check(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: this.timeoutMs, application_name: 'fingerflow-health' });
    client.on('error', () => undefined); // reported by the failing probe
    this.client = client;
    await client.connect();
    await client.query('SELECT 1');
    await this.dropClient();
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  private set(state: DatabaseState, error?: Error): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onChange?.(state, error);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error(String(error))); },
    );
  });
}
