import fs from 'node:fs';
import path from 'node:path';

/**
 * The import rules of ARCHITECTURE.md as data. A rule applies to files under `from` and
 * forbids imports that resolve under a path in `forbidPaths` or name a package in
 * `forbidPackages` (a package name or a prefix ending in "/").
 */
export interface ImportRule {
  from: string;
  forbidPaths?: string[];
  forbidPackages?: string[];
  why: string;
}

export const IMPORT_RULES: ImportRule[] = [
  { from: 'shared/', forbidPaths: ['server/', 'client/', 'tools/'], forbidPackages: ['node:'], why: 'shared/ runs in the browser and in Node' },
  { from: 'client/', forbidPaths: ['server/', 'tools/'], why: 'the client talks to the server over HTTP and WebSocket only' },
  { from: 'client/', forbidPackages: ['zod'], why: 'the page takes the API\'s types from shared/api, not its schemas (conformance/client-api-imports.test.ts)' },
  { from: 'server/', forbidPaths: ['client/'], why: 'the server does not build on client code' },
  // The images ship server/ without tools/ (.dockerignore, the Dockerfiles' COPY lines).
  { from: 'server/', forbidPaths: ['tools/'], why: 'the product never needs the load, chaos and bench tools' },
  { from: 'tools/', forbidPaths: ['client/'], why: 'the tools drive the server the way clients do, over the network' },
  { from: 'server/ingest/', forbidPaths: ['server/http/'], forbidPackages: ['koa', '@koa/', 'koa-helmet'], why: 'the ingest server never imports koa' },
  { from: 'server/http/', forbidPaths: ['server/ingest/'], forbidPackages: ['uWebSockets.js'], why: 'the sidecar never imports uWebSockets.js' },
  { from: 'server/auth/', forbidPaths: ['server/http/'], forbidPackages: ['koa', '@koa/', 'koa-helmet'], why: 'auth\'s use cases take plain inputs; the routes speak HTTP' },
  { from: 'server/ingest/core/', forbidPackages: ['uWebSockets.js', 'socket.io', 'pg', 'pg-copy-streams', 'koa', '@koa/', 'node:'], why: 'the per-connection core is pure, behind ports' },
  // Ingest flows one way: transport -> core <- store, connected only in server/bin.
  { from: 'server/ingest/core/', forbidPaths: ['server/ingest/store/', 'server/ingest/transport/', 'server/db/', 'server/bin/'], why: 'the ingest core knows its ports, not what implements them' },
  { from: 'server/ingest/store/', forbidPaths: ['server/ingest/transport/', 'server/bin/'], forbidPackages: ['uWebSockets.js', 'socket.io'], why: 'the ingest store implements core ports and never sees a socket' },
  { from: 'server/ingest/transport/', forbidPaths: ['server/ingest/store/', 'server/bin/'], forbidPackages: ['pg', 'pg-copy-streams'], why: 'the ingest transports reach the database only through the core' },
];

/**
 * A module with one door: files outside `folder` may import from it only `entry`; files
 * inside (the tests beside its code included) import each other freely. An exception names
 * one importer (by the end of its path, so it survives the importer's folder moving) and the
 * inner file it may reach, and says why.
 */
export interface DoorRule {
  folder: string;
  entry: string;
  exceptions?: Array<{ importer: string; target: string; why: string }>;
  why: string;
}

export const DOOR_RULES: DoorRule[] = [
  {
    folder: 'server/analytics/', entry: 'server/analytics/index.ts', why: 'analytics has one door: server/analytics/index.ts',
    exceptions: [{ importer: 'bench/analytics-bench.ts', target: 'server/analytics/queries/session-query.ts', why: 'times the uncached SQL alone, which no use case runs by itself' }],
  },
];

export interface Violation {
  file: string;
  specifier: string;
  why: string;
}

const IMPORT_PATTERN = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier) found.push(specifier);
  }
  return found;
}

/** Checks one file (path relative to the repo root, forward slashes) against every rule. */
export function checkFile(root: string, file: string, source: string, rules = IMPORT_RULES, doors = DOOR_RULES): Violation[] {
  const violations: Violation[] = [];
  const isTest = file.endsWith('.test.ts');
  for (const specifier of importsOf(source)) {
    const target = specifier.startsWith('.') ? path.relative(root, path.resolve(root, path.dirname(file), specifier)).split(path.sep).join('/') : undefined;
    for (const rule of rules) {
      if (!file.startsWith(rule.from)) continue;
      const pathHit = target !== undefined && rule.forbidPaths?.some((p) => target.startsWith(p));
      // Tests of shared code run in Node and may use node: modules to do so.
      const packageHit = target === undefined && !(isTest && specifier.startsWith('node:')) &&
        rule.forbidPackages?.some((p) => (p.endsWith('/') || p.endsWith(':') ? specifier.startsWith(p) : specifier === p || specifier.startsWith(`${p}/`)));
      if (pathHit || packageHit) violations.push({ file, specifier, why: rule.why });
    }
    for (const door of doors) {
      if (target === undefined || !target.startsWith(door.folder) || file.startsWith(door.folder) || target === door.entry) continue;
      if (door.exceptions?.some((e) => file.endsWith(e.importer) && target === e.target)) continue;
      violations.push({ file, specifier, why: door.why });
    }
  }
  return violations;
}

/** Every source file of the repo the rules apply to. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|svelte|js|mjs)$/.test(entry.name)) out.push(rel);
    }
  };
  for (const top of ['shared', 'server', 'tools', 'client']) if (fs.existsSync(path.join(root, top))) walk(top);
  return out;
}

/** The environment is read only in server/config/ (tests may set it for child processes). */
const ENV_READ = new RegExp(['process', 'env'].join('\\.') + '\\b');
export function envReaders(root: string, files: string[]): string[] {
  return files.filter((f) => !f.startsWith('server/config/') && !f.endsWith('.test.ts') && ENV_READ.test(fs.readFileSync(path.join(root, f), 'utf8')));
}

/**
 * Import cycles among the given files (relative imports only), each as the list of files
 * around it, first file repeated at the end. Type-only imports count too: a cycle of types
 * still means two files that cannot be understood, or moved, one without the other.
 */
export function importCycles(root: string, files: string[]): string[][] {
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const specifier of importsOf(fs.readFileSync(path.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.relative(root, path.resolve(root, path.dirname(file), specifier)).split(path.sep).join('/');
      if (known.has(target)) targets.push(target);
    }
    edges.set(file, targets);
  }
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...files].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
