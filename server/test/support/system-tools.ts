// Tests that need a system package (chromium, shellcheck, nginx, pg_dump) skip with a one-line
// reason on a developer's machine and are required under CI=true, where .ci/run installs them:
// a missing tool in CI must fail loudly, not turn a suite green by skipping.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'uvu';
import { ciRequiresSystemTools } from '../../config/test-env.ts';

/** The call shape shared by uvu's `test` and `test.skip`. */
export type TestFn = (name: string, handler: () => void | Promise<void>) => void;

/** The prefix the runner looks for to list skips with their reasons. */
export const SKIP_MARK = '[skip-reason]';

export interface SystemTool {
  name: string;
  /** Absolute path of the executable, or undefined when it is not installed. */
  path: string | undefined;
  /** `test` when the tool is present or CI requires it, else `test.skip` (after printing why). */
  test: TestFn;
}

export function requireCi(): boolean {
  return ciRequiresSystemTools();
}

/** Finds `name` at one of `candidates` (absolute paths) or on PATH. */
export function systemTool(name: string, candidates: string[], install: string): SystemTool {
  const found = candidates.find((p) => fs.existsSync(p)) ?? onPath(name);
  if (found) return { name, path: found, test };
  if (requireCi()) {
    // Under CI the tests run and fail on their first use of the tool, with this message.
    process.stderr.write(`${name} is required when CI=true but is not installed (${install})\n`);
    return { name, path: undefined, test };
  }
  process.stdout.write(`${SKIP_MARK} ${name} is not installed (${install}); its tests are skipped\n`);
  return { name, path: undefined, test: test.skip };
}

/** Throws the install hint when a required tool is missing (used at the top of a test under CI). */
export function toolPath(tool: SystemTool): string {
  if (!tool.path) throw new Error(`${tool.name} is not installed; CI=true requires it`);
  return tool.path;
}

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const CHROMIUM_TOOL = () => systemTool('chromium', ['/usr/bin/chromium'], 'apt-get install -y chromium');
export const SHELLCHECK_TOOL = () => systemTool('shellcheck', [], 'apt-get install -y shellcheck');
export const NGINX_TOOL = () => systemTool('nginx', ['/usr/sbin/nginx', '/usr/bin/nginx'], 'apt-get install -y nginx-light');
