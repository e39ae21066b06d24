/**
 * The page URLs, as a table: name, path pattern. `:id` captures one segment. The typing page
 * is "/" and is part of the main bundle; every other page is a separate chunk (see
 * router/page-loaders.ts), so the typing page does not carry the account and chart code.
 */
export const ROUTES = [
  ['typing', '/'],
  ['login', '/login'],
  ['register', '/register'],
  ['verify', '/verify'],
  ['forgot', '/forgot'],
  ['reset', '/reset'],
  ['history', '/history'],
  ['session', '/sessions/:id'],
  ['analytics', '/analytics'],
  ['glossary', '/glossary'],
  ['settings', '/settings'],
  ['watch', '/watch/:id'],
  ['confirm-email', '/confirm-email'],
  ['undo-email', '/undo-email'],
] as const;

export type RouteName = (typeof ROUTES)[number][0] | 'not-found';

export interface Route {
  name: RouteName;
  params: Record<string, string>;
  query: URLSearchParams;
  hash: string;
}

/** Which page a URL shows; unknown paths are 'not-found' rather than a blank page. */
export function matchRoute(url: URL): Route {
  const segments = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  for (const [name, pattern] of ROUTES) {
    const parts = pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const segment = decodeURIComponent(segments[i]!);
      if (part.startsWith(':')) return (params[part.slice(1)] = segment), true;
      return part === segment;
    });
    if (ok) return { name, params, query: url.searchParams, hash: url.hash.replace(/^#/, '') };
  }
  return { name: 'not-found', params: {}, query: url.searchParams, hash: url.hash.replace(/^#/, '') };
}
