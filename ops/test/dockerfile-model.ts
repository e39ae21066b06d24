// Dockerfiles as data: stages of instructions, and a way to reproduce a stage in a folder
// without a Docker engine (none runs here). Each stage gets a root folder standing in for its
// filesystem; COPY brings exactly what Docker would bring, RUN runs with the stage's ENV and
// WORKDIR. What cannot be reproduced (the base image's own files) is named by the caller.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, run, type RunResult } from './support.ts';

export interface Instruction {
  op: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Instructions per stage; continuation lines joined, comments dropped. */
export function parseDockerfile(file: string): Stage[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'ops/docker', file), 'utf8');
  const logical = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of logical.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const instruction = { op: match[1]!, args: match[2]!.replace(/\s+/g, ' ').trim() };
    if (instruction.op === 'FROM') {
      const [image, , alias] = instruction.args.split(' ');
      stages.push({ name: alias ?? `stage-${stages.length}`, from: image!, instructions: [] });
    }
    stages.at(-1)!.instructions.push(instruction);
  }
  return stages;
}

export const all = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);
export const last = (stage: Stage, op: string) => all(stage, op).at(-1);

/** A RUN's shell command without BuildKit flags (--mount=...). */
export function runCommand(args: string): string {
  return args.replace(/^(--[a-z]+=\S+\s+)+/, '');
}

export interface ReproducedStage {
  root: string;
  workdir: string;
  env: Record<string, string>;
  runs: Array<{ command: string; result: RunResult }>;
}

export interface ReproduceOptions {
  /** The build context folder (see build-context.ts). */
  context: string;
  /** Where this stage's root folder goes. */
  root: string;
  /** Roots of earlier stages, by name, for COPY --from. */
  stages: Record<string, ReproducedStage>;
  /** Decides what to do with a RUN: run it (true), or skip it saying why (a string). */
  runFilter?: (command: string) => true | string;
  timeoutMs?: number;
}

/** Inside a stage root, the host path of an image path (absolute, or relative to WORKDIR). */
function inStage(root: string, workdir: string, imagePath: string): string {
  return path.join(root, imagePath.startsWith('/') ? imagePath : path.join(workdir, imagePath));
}

function copy(from: string, to: string, destIsDir: boolean): void {
  if (!fs.existsSync(from)) throw new Error(`COPY: ${from} does not exist in the context or stage (ignored by .dockerignore?)`);
  const target = destIsDir && !fs.statSync(from).isDirectory() ? path.join(to, path.basename(from)) : to;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(from, target, { recursive: true, verbatimSymlinks: true });
}

export async function reproduceStage(stage: Stage, options: ReproduceOptions): Promise<ReproducedStage> {
  const out: ReproducedStage = { root: options.root, workdir: '/', env: {}, runs: [] };
  fs.mkdirSync(options.root, { recursive: true, mode: 0o755 });
  for (const { op, args } of stage.instructions) {
    if (op === 'WORKDIR') {
      out.workdir = path.posix.resolve(out.workdir, args);
      fs.mkdirSync(inStage(out.root, '/', out.workdir), { recursive: true });
    } else if (op === 'ENV') {
      for (const m of args.matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) out.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    } else if (op === 'COPY') {
      const words = args.split(' ');
      const fromStage = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      const dest = paths.pop()!;
      const destIsDir = dest.endsWith('/') || paths.length > 1;
      for (const source of paths) {
        const from = fromStage ? inStage(options.stages[fromStage]!.root, '/', source) : path.join(options.context, source);
        copy(from, inStage(out.root, out.workdir, dest), destIsDir);
      }
    } else if (op === 'RUN') {
      const command = runCommand(args);
      const verdict = options.runFilter ? options.runFilter(command) : true;
      if (verdict !== true) continue;
      const result = await run('bash', ['-euo', 'pipefail', '-c', command], { ...out.env }, { cwd: inStage(out.root, '/', out.workdir), timeoutMs: options.timeoutMs ?? 300_000 });
      out.runs.push({ command, result });
      if (result.code !== 0) throw new Error(`RUN ${command} exited ${result.code}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    }
  }
  return out;
}

/** Total bytes of the files under a folder (symlinks counted as links, not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else total += fs.lstatSync(full).size;
  }
  return total;
}
