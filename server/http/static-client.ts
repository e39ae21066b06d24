import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';
import type { Next } from './next.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json', '.wav': 'audio/wav',
};

/**
 * Serves the built Svelte client. Files under assets/ carry a content hash in their names
 * and are cached for a year; any other GET that is not an API path gets index.html, so
 * deep links (/sessions/:id, /reset?token=...) load the single-page app.
 */
export function staticClient(root: string, apiPrefixes: string[]) {
  const rootDir = path.resolve(root);
  return async function serveClient(ctx: Context, next: Next): Promise<void> {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || apiPrefixes.some((p) => ctx.path === p || ctx.path.startsWith(`${p}/`))) {
      return next();
    }
    let relative: string;
    try {
      relative = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    const file = path.resolve(rootDir, `.${relative}`);
    const inside = file === rootDir || file.startsWith(rootDir + path.sep);
    const target = inside && isFile(file) ? file : path.join(rootDir, 'index.html');
    if (!isFile(target)) return next();
    ctx.type = TYPES[path.extname(target)] ?? 'application/octet-stream';
    ctx.set('Cache-Control', target.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.body = fs.createReadStream(target);
  };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
