import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inheritedEnv } from '../../server/config/test-env.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunResult {
  code: number | string;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion without blocking the event loop (an embedded PostgreSQL of
 * this process keeps writing its log to us meanwhile). The caller's DATABASE_URL and
 * backup settings are never inherited: each test says which database it means.
 */
export function run(command: string, args: string[], env: Record<string, string | undefined> = {}, options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const base = inheritedEnv();
  for (const key of ['DATABASE_URL', 'DATA_DIR', 'EMBEDDED_PG_PORT', 'NODE_ENV', 'BACKUP_DIR', 'RETENTION_DAYS', 'TARGET', 'MAKEFLAGS', 'MAKELEVEL']) delete base[key];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? -1, stdout, stderr });
    });
  });
}

/** Runs one of ops/scripts with bash. */
export function runScript(name: string, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return run('bash', [path.join(REPO_ROOT, 'ops', 'scripts', name), ...args], env);
}

/**
 * The exit code (or signal) of a child, or undefined if it still runs after `ms`. Unlike
 * racing a bare setTimeout, the timer is cleared, so it never holds the test process open.
 */
export function exitOf(child: ChildProcess, ms: number): Promise<number | string | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode ?? undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? undefined);
    });
  });
}
