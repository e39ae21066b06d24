import type { RouteGroup } from './app.ts';
import { anonymousRoutes } from './anonymous-routes.ts';
import { frontendLogRoutes } from './frontend-log-routes.ts';
import { publicConfigRoutes } from './public-config-routes.ts';
import { sessionClaimRoutes } from './session-claim-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { sessionTicketRoutes } from './session-ticket-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { wordSetRoutes } from './word-set-routes.ts';
import { loadtestRoutes } from './loadtest-routes.ts';
import { analyticsRoutes } from './analytics-routes.ts';
import { exportRoutes } from './export-routes.ts';
import { importRoutes } from './import-routes.ts';
import { importFilesRoutes } from './import-files-routes.ts';

/** The /api route groups, in the order they are mounted. */
export const API_ROUTES: RouteGroup[] = [
  publicConfigRoutes,
  anonymousRoutes,
  // Before sessionRoutes: POST /api/sessions/claim is not a session id.
  sessionClaimRoutes,
  sessionRoutes,
  sessionTicketRoutes,
  wordSetRoutes,
  settingsRoutes,
  frontendLogRoutes,
  // Exists only while LOADTEST_TOKEN is set.
  loadtestRoutes,
  analyticsRoutes,
  exportRoutes,
  importRoutes,
  importFilesRoutes,
];
