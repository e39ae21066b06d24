// Reads docker-compose.prod.yml the way `docker compose` does, as far as our tests need:
// YAML with merge keys (<<: *anchor), variable interpolation (${VAR}, ${VAR:-default},
// ${VAR:?error}, $$), and Traefik's rule language for the routing labels. Docker and
// Traefik cannot run on this machine; these models let tests check what they would do.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from './support.ts';

export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.prod.yml');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  networks?: string[];
  ports?: unknown[];
  expose?: unknown[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean; interval?: string };
  labels?: Record<string, string>;
  deploy?: { replicas?: string | number; resources?: { limits?: { cpus?: string; memory?: string } } };
  restart?: string;
  logging?: { driver: string; options?: Record<string, string> };
  stop_grace_period?: string;
  volumes?: string[];
  read_only?: boolean;
  tmpfs?: string[];
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  networks: Record<string, { external?: boolean; internal?: boolean; name?: string }>;
  volumes: Record<string, unknown>;
}

/** The file as written: variables not yet substituted. */
export function rawCompose(): ComposeFile {
  return YAML.parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

/** The file as compose sees it with `env` as its .env: every string interpolated. */
export function loadCompose(env: Record<string, string>): ComposeFile {
  return interpolateDeep(rawCompose(), env) as ComposeFile;
}

export class InterpolationError extends Error {}

/** Compose's interpolation rules: `:-`/`:?` treat an empty value like an unset one, `-`/`?` do not. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const missing = op?.startsWith(':') ? value === undefined || value === '' : value === undefined;
    if (op?.endsWith('-')) return missing ? arg! : value!;
    if (op?.endsWith('?')) {
      if (missing) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
      return value!;
    }
    return value ?? '';
  });
}

function interpolateDeep(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)]));
  return value;
}

// ---- Traefik rules ------------------------------------------------------------------------

export type Request = { host: string; path: string };
type Matcher = (request: Request) => boolean;

/**
 * Parses the part of Traefik's rule language we use: Host, Path and PathPrefix matchers
 * with backtick arguments, combined with &&, || and parentheses (&& binds tighter), and !.
 */
export function parseRule(rule: string): Matcher {
  const tokens = rule.match(/`[^`]*`|&&|\|\||[()!,]|[A-Za-z]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`rule "${rule}": expected ${expected ?? 'more'} at token ${at}, got ${token}`);
    return token;
  };
  const expression = (): Matcher => {
    const terms = [term()];
    while (peek() === '||') {
      take('||');
      terms.push(term());
    }
    return (r) => terms.some((t) => t(r));
  };
  const term = (): Matcher => {
    const factors = [factor()];
    while (peek() === '&&') {
      take('&&');
      factors.push(factor());
    }
    return (r) => factors.every((f) => f(r));
  };
  const factor = (): Matcher => {
    if (peek() === '!') {
      take('!');
      const inner = factor();
      return (r) => !inner(r);
    }
    if (peek() === '(') {
      take('(');
      const inner = expression();
      take(')');
      return inner;
    }
    const name = take();
    take('(');
    const args: string[] = [];
    while (peek() !== ')') {
      const arg = take();
      if (!arg.startsWith('`')) throw new Error(`rule "${rule}": ${name} takes backtick strings`);
      args.push(arg.slice(1, -1));
      if (peek() === ',') take(',');
    }
    take(')');
    if (name === 'Host') return (r) => args.some((h) => h.toLowerCase() === r.host.toLowerCase());
    if (name === 'Path') return (r) => args.includes(r.path);
    if (name === 'PathPrefix') return (r) => args.some((p) => r.path.startsWith(p));
    throw new Error(`rule "${rule}": matcher ${name} is not modelled`);
  };
  const matcher = expression();
  if (at !== tokens.length) throw new Error(`rule "${rule}": unexpected ${tokens[at]}`);
  return matcher;
}

export interface Router {
  name: string;
  composeService: string;
  rule: string;
  priority: number;
  matches: Matcher;
  labels: Record<string, string>;
}

/** Every Traefik router declared by labels, across services. */
export function routers(compose: ComposeFile): Router[] {
  const found: Router[] = [];
  for (const [composeService, service] of Object.entries(compose.services)) {
    const labels = service.labels ?? {};
    for (const [key, rule] of Object.entries(labels)) {
      const match = /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key);
      if (!match) continue;
      const name = match[1]!;
      const own = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith(`traefik.http.routers.${name}.`)).map(([k, v]) => [k.slice(`traefik.http.routers.${name}.`.length), v]));
      found.push({ name, composeService, rule, priority: Number(own.priority ?? 0), matches: parseRule(rule), labels: own });
    }
  }
  return found;
}

/** Which router Traefik picks for a request: the matching one of highest priority. */
export function route(all: Router[], request: Request): Router | undefined {
  return [...all].sort((a, b) => b.priority - a.priority).find((r) => r.matches(request));
}
