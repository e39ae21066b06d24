// Builds a Dockerfile's stages without an engine, for the image tests: the build context
// from git archive (build-context.ts), each stage reproduced (dockerfile-model.ts), stages
// with identical instructions reused like Docker's layer cache.
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeBuildContext } from './build-context.ts';
import { all, parseDockerfile, reproduceStage, type ReproducedStage } from './dockerfile-model.ts';
import { run } from './support.ts';

export const context = makeBuildContext();
export const scratch = path.dirname(context);

/** npm 11 is installed globally in the image; here it must already be the same major. */
async function npmFilter(command: string): Promise<true | string> {
  const global = /^npm install --global .*npm@(\d+)\.\S+$/.exec(command);
  if (!global) return true;
  const here = (await run('npm', ['--version'])).stdout.trim();
  assert.is(here.split('.')[0], global[1], `the image installs npm ${global[1]}, this machine has ${here}`);
  return 'the base image step (npm upgrade) is checked, not run';
}

export async function buildAll(file: string): Promise<Record<string, ReproducedStage>> {
  const stages = parseDockerfile(file);
  const done: Record<string, ReproducedStage> = {};
  const filters = new Map<string, true | string>();
  for (const stage of stages) for (const r of all(stage, 'RUN')) filters.set(r, await npmFilter(r.replace(/^(--[a-z]+=\S+\s+)+/, '')));
  for (const stage of stages) {
    const root = path.join(scratch, file, stage.name);
    // Like Docker's layer cache: a stage with the same base and instructions as one built
    // before (the ingest and sidecar images share their dependency stage), and no COPY
    // from another stage, has the same result: hard-linked, not built twice.
    const key = JSON.stringify([stage.from, stage.instructions]);
    const cached = stageCache.get(key);
    if (cached && !stage.instructions.some((i) => i.op === 'COPY' && i.args.includes('--from='))) {
      fs.mkdirSync(path.dirname(root), { recursive: true });
      execFileSync('cp', ['-al', cached.root, root]);
      done[stage.name] = { ...cached, root, runs: [] };
      continue;
    }
    done[stage.name] = await reproduceStage(stage, {
      context,
      root,
      stages: done,
      runFilter: (command) => filters.get(command) ?? [...filters].find(([k]) => k.endsWith(command))?.[1] ?? true,
    });
    stageCache.set(key, done[stage.name]!);
  }
  return done;
}

const stageCache = new Map<string, ReproducedStage>();

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function removeScratch(): void {
  fs.rmSync(scratch, { recursive: true, force: true });
}
