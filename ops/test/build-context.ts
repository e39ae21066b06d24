// The build context Docker would get from a fresh clone: the working tree as git sees it
// (tracked and new files, .gitignore honoured) through `git archive`, then .dockerignore
// applied the way Docker applies it. Made in a scratch folder; the checkout is not touched.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './support.ts';

/** A .dockerignore pattern as a RegExp over slash-separated relative paths. */
function patternToRegExp(pattern: string): RegExp {
  let source = '';
  const p = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      // "**/" matches any number of folders, including none.
      source += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += p[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function dockerignorePatterns(): string[] {
  return fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** Whether Docker leaves `file` out of the context: it, or a folder above it, matches. */
export function isDockerIgnored(file: string, patterns = dockerignorePatterns()): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const regexp = patternToRegExp(negate ? raw.slice(1) : raw);
    const parts = file.split('/');
    const hit = parts.some((_, i) => regexp.test(parts.slice(0, i + 1).join('/')));
    if (hit) ignored = !negate;
  }
  return ignored;
}

/**
 * Writes the build context into a new folder and returns it. The working tree goes through
 * a throw-away index (`git add -A` there, `git write-tree`, `git archive`), so uncommitted
 * work is what is tested and the real index stays as it was.
 */
export function makeBuildContext(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-context-'));
  fs.chmodSync(dir, 0o755);
  const index = path.join(dir, '.index');
  const realIndex = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-path', 'index'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  fs.copyFileSync(realIndex, index);
  const env = { ...process.env, GIT_INDEX_FILE: index };
  execFileSync('git', ['add', '-A', '.'], { cwd: REPO_ROOT, env });
  const tree = execFileSync('git', ['write-tree'], { cwd: REPO_ROOT, env, encoding: 'utf8' }).trim();
  const archive = path.join(dir, '.context.tar');
  execFileSync('git', ['archive', '--format=tar', '-o', archive, tree], { cwd: REPO_ROOT });
  const context = path.join(dir, 'context');
  fs.mkdirSync(context);
  execFileSync('tar', ['-x', '-f', archive, '-C', context]);
  fs.rmSync(archive);
  fs.rmSync(index);
  const patterns = dockerignorePatterns();
  const prune = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(context, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (isDockerIgnored(child, patterns)) fs.rmSync(path.join(context, child), { recursive: true, force: true });
      else if (entry.isDirectory()) prune(child);
    }
  };
  prune('');
  return context;
}
