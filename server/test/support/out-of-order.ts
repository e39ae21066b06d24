import type { Route } from 'playwright-core';

export interface OutOfOrderOptions {
  /** What tells the requests apart: a query parameter, the last path segment. */
  key(url: URL): string | null;
  /** The request whose answer must reach the page first. */
  first: string;
  /** Requests held (after the server answered them) until `first` has been answered. */
  held(key: string | null): boolean;
  /** A held answer's JSON as the page gets it; null sends it on unchanged, neither held nor counted. */
  rewrite?(body: unknown): unknown;
  /** A held answer's status as the page gets it (a late failure); unset keeps the server's. */
  status?: number;
}

export interface OutOfOrder {
  route(route: Route): Promise<void>;
  /** Held answers delivered after `first`'s. */
  late(): number;
}

/**
 * A route that delivers answers out of order, as a slow answer to an earlier request (a larger
 * date range, the old target, another word set) arrives after the quick one to a later request.
 * Each held answer waits at most 10 s, so a test whose `first` never comes still ends.
 */
export function outOfOrder(options: OutOfOrderOptions): OutOfOrder {
  let late = 0;
  let answered!: () => void;
  const firstAnswered = new Promise<void>((resolve) => (answered = resolve));
  const route = async (route: Route) => {
    const key = options.key(new URL(route.request().url()));
    const response = await route.fetch();
    if (key === options.first || !options.held(key)) {
      await route.fulfill({ response });
      if (key === options.first) answered();
      return;
    }
    const json = options.rewrite ? options.rewrite(await response.json()) : undefined;
    if (json === null) return route.fulfill({ response });
    await Promise.race([firstAnswered, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    late++;
    await route.fulfill({ response, ...(json === undefined ? {} : { json }), ...(options.status === undefined ? {} : { status: options.status }) });
  };
  return { route, late: () => late };
}
