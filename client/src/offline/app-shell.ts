/**
 * Installs the app shell service worker (client/public/sw.js), so the page loads during an
 * outage. Browsers allow service workers on https and on localhost only; elsewhere the page
 * works as before, it just cannot load while the server is away.
 */
export function registerAppShell(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('app shell not installed; the page will not load offline', error));
}
