import type { RouteGroup } from './app.ts';

/** The /api route groups, in the order they are mounted. */
export const API_ROUTES: RouteGroup[] = [];
