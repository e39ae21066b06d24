// The app shell: lets the page load while the server is away, so a reload during an outage
// shows the typing page with its outbox (IndexedDB) intact and "offline – N keys queued"
// instead of the browser's error page. Registered by client/src/offline/app-shell.ts.
//
// - Page loads (navigations) go to the network first; when it cannot be reached, the cached
//   index.html answers (every route of the single-page app is that same file).
// - /assets/ files carry a content hash in their names and never change: cache first. The
//   files index.html names are cached at install; chunks loaded later as they are fetched.
// - Everything else (the API, the ingest WebSocket) is never touched: keystrokes travel
//   through the outbox, never through this cache.
const CACHE = 'fingerflow-shell-v1';
const SHELL = '/';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const response = await fetch(SHELL, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`app shell: GET / answered ${response.status}`);
      const html = await response.clone().text();
      await cache.put(SHELL, response);
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
      await cache.addAll([...new Set(assets)]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(pageLoad(request));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(asset(request));
});

async function pageLoad(request) {
  try {
    const response = await fetch(request);
    const isShell = response.ok && !response.redirected && (response.headers.get('content-type') ?? '').startsWith('text/html');
    if (isShell) await (await caches.open(CACHE)).put(SHELL, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

async function asset(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
  return response;
}
