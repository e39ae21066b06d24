import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inheritedEnv } from '../../config/test-env.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name), or undefined if still running after `ms`. */
  exited(ms: number): Promise<number | string | undefined>;
  /** Resolves when the output contains `text`; rejects if the process exits first or after `ms`. */
  waitFor(text: string | RegExp, ms: number): Promise<void>;
}

/**
 * Runs a TypeScript entry point in a node process of its own (tsx as a loader, not the tsx
 * CLI, which would put a second process between us and the server and keep it alive on
 * kill -9), with the given variables on top of a clean environment.
 */
export function spawnTs(script: string, env: Record<string, string | undefined>, args: string[] = []): Spawned {
  const base = inheritedEnv();
  for (const key of Object.keys(base)) {
    // The child decides its own database and ports; never inherit the caller's.
    if (/^(DATABASE_URL|PORT|INGEST_PORT|DATA_DIR|NODE_ENV|SECRET_KEY|EMBEDDED_PG_PORT)$/.test(key)) delete base[key];
  }
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => output,
    exited: (ms) => {
      // The timer is cleared when the process exits first, so it keeps no test alive.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
      return Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    },
    waitFor: (text, ms) =>
      new Promise((resolve, reject) => {
        const matches = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
        if (matches()) return resolve();
        const check = () => {
          if (matches()) done(() => resolve());
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${ms} ms waiting for ${text}; output:\n${output.slice(-3000)}`))), ms);
        void exit.then((code) => done(() => (matches() ? resolve() : reject(new Error(`process exited (${code}) before ${text}; output:\n${output.slice(-3000)}`)))));
        function done(settle: () => void) {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        }
        listeners.add(check);
      }),
  };
}

export async function getJson(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/** Polls until `check` returns true or `ms` passes; returns how long it took, or undefined. */
export async function pollUntil(check: () => Promise<boolean>, ms: number, everyMs = 100): Promise<number | undefined> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      if (await check()) return Date.now() - t0;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

/**
 * Whether `check` came true within `ms`. Not `assert.ok(await pollUntil(...))`: a check true
 * at once takes 0 ms, which is falsy, and would fail a test for being fast.
 */
export async function eventually(check: () => Promise<boolean>, ms: number, everyMs = 100): Promise<boolean> {
  return (await pollUntil(check, ms, everyMs)) !== undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
