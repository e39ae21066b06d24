import { spawnTs, type Spawned } from '../../../server/test/support/processes.ts';
import { TEST_SECRET } from '../../../server/test/support/ingest-fixtures.ts';
import { freePort } from '../../../server/test/support/test-postgres.ts';

/**
 * The real ingest server (server/bin/ingest.ts) in a process of its own, on a port that stays
 * the same across restarts, so a test can kill it (SIGKILL: no drain, no goodbye) and start
 * it again the way an orchestrator would.
 */
export class IngestProcess {
  private running: Spawned | null = null;
  /** Output of every run, for failure messages. */
  private log = '';

  private constructor(readonly port: number, private readonly databaseUrl: string, private readonly env: Record<string, string>) {}

  static async start(databaseUrl: string, env: Record<string, string> = {}): Promise<IngestProcess> {
    const ingest = new IngestProcess(await freePort(), databaseUrl, env);
    await ingest.restart();
    return ingest;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  async restart(): Promise<void> {
    if (this.running) throw new Error('the ingest server is already running');
    const child = spawnTs('server/bin/ingest.ts', {
      DATABASE_URL: this.databaseUrl, INGEST_PORT: String(this.port), SECRET_KEY: TEST_SECRET, NODE_ENV: 'test',
      LOG_LEVEL: 'info', INGEST_FLUSH_MS: '5', ...this.env,
    });
    this.running = child;
    await child.waitFor('"event":"ingest_ready"', 60_000);
  }

  /** kill -9: connections drop without a close frame, nothing buffered is flushed. */
  async kill(): Promise<void> {
    const child = this.running;
    if (!child) return;
    this.running = null;
    child.child.kill('SIGKILL');
    await child.exited(10_000);
    this.log += child.output();
  }

  /** SIGSTOP: a frozen server, its sockets open and nothing answering. */
  freeze(): void {
    this.running?.child.kill('SIGSTOP');
  }

  thaw(): void {
    this.running?.child.kill('SIGCONT');
  }

  /** What the server logged, across restarts. */
  output(): string {
    return this.log + (this.running?.output() ?? '');
  }

  async stop(): Promise<void> {
    const child = this.running;
    if (!child) return;
    this.running = null;
    child.child.kill('SIGTERM');
    if ((await child.exited(15_000)) === undefined) child.child.kill('SIGKILL');
    this.log += child.output();
  }
}
