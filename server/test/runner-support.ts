import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export interface FileResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
  output: string;
}

/** Every *.test.ts under the source folders, optionally only those whose path contains a filter word. */
export function discoverTestFiles(root: string, filters: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.test.ts')) found.push(rel);
    }
  };
  for (const top of ['shared', 'server', 'tools', 'client', 'ops', 'tests']) if (fs.existsSync(path.join(root, top))) walk(top);
  return found.filter((f) => filters.length === 0 || filters.some((w) => f.includes(w))).sort();
}

/** uvu prints `Total: N  Passed: N  Skipped: N`; `Total` counts run tests, skips apart. */
export function parseUvuSummary(output: string): { total: number; passed: number; skipped: number } | undefined {
  const clean = stripVTControlCharacters(output);
  const total = /Total:\s+(\d+)/.exec(clean);
  const passed = /Passed:\s+(\d+)/.exec(clean);
  const skipped = /Skipped:\s+(\d+)/.exec(clean);
  if (!total || !passed || !skipped) return undefined;
  return { total: Number(total[1]), passed: Number(passed[1]), skipped: Number(skipped[1]) };
}

/** Lines that call `only` on a test or suite: uvu would then run that test alone and hide the rest. */
export function findOnly(source: string): number[] {
  const lines: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (/^\s*(\/\/|\*)/.test(line)) return;
    if (/\b[A-Za-z_$][\w$]*\.only\s*\(/.test(line)) lines.push(i + 1);
  });
  return lines;
}

/** The reasons a file printed for its skips (see server/test/support/system-tools.ts). */
export function skipReasons(output: string, mark: string): string[] {
  return output.split('\n').filter((l) => l.startsWith(mark)).map((l) => l.slice(mark.length).trim());
}
