import Router from '@koa/router';
import { APP_VERSION } from './app-version.ts';
import type { SidecarDeps } from './sidecar-deps.ts';

/**
 * GET /api/config: what the page needs before anyone signs in: where the ingest server is,
 * whether to show "Sign in with Google", and the version. Nothing secret.
 */
export function publicConfigRoutes(deps: SidecarDeps): Router {
  const router = new Router({ prefix: '/api' });
  const body = {
    ingestUrl: deps.config.ingestPublicUrl,
    socketIoPath: '/socket.io/',
    googleOAuth: Boolean(deps.config.google.clientId),
    version: APP_VERSION,
  };
  router.get('/config', (ctx) => {
    ctx.body = body;
  });
  return router;
}
