import { matchRoute, type Route } from './routes.ts';

/**
 * A history-API router: the current route is reactive; `go` pushes a URL, back and forward
 * come back through popstate. Clicks on same-origin <a href="/..."> are taken over (see
 * `interceptLinks`), so pages write plain links and a middle-click still opens a new tab.
 */
export class Router {
  route = $state.raw<Route>(matchRoute(new URL(location.href)));

  constructor() {
    window.addEventListener('popstate', () => this.sync());
  }

  go(href: string, options: { replace?: boolean } = {}): void {
    const url = new URL(href, location.href);
    if (options.replace) history.replaceState(null, '', url);
    else if (url.href !== location.href) history.pushState(null, '', url);
    this.sync();
    window.scrollTo(0, 0);
  }

  private sync(): void {
    this.route = matchRoute(new URL(location.href));
  }

  /** Same-origin plain left clicks on links become `go`; everything else stays the browser's. */
  interceptLinks(root: HTMLElement): () => void {
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest?.('a');
      if (!link || link.target || link.hasAttribute('download')) return;
      const url = new URL(link.href, location.href);
      // The sidecar's own routes (Google sign-in, API downloads) are real navigations.
      if (url.origin !== location.origin || /^\/(api|auth|health)\b/.test(url.pathname)) return;
      event.preventDefault();
      this.go(url.href);
    };
    root.addEventListener('click', onClick);
    return () => root.removeEventListener('click', onClick);
  }
}
