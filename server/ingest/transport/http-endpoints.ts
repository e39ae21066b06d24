import type uWS from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import { metricsAccess, type MetricsAccess } from '../../obs/metrics-access.ts';
import { ingestHealth, type IngestHealthInput } from './ingest-health.ts';

export interface EndpointDeps {
  registry: Registry;
  production: boolean;
  metricsToken: string | undefined;
  health: () => IngestHealthInput;
}

/** GET /metrics and GET /ingest/health on the ingest server's uWS app. */
export function attachEndpoints(app: uWS.TemplatedApp, deps: EndpointDeps): void {
  // In production only the internal network (or METRICS_TOKEN) reads these: see metricsAccess.
  const access = (req: uWS.HttpRequest, what: 'metrics' | 'health') => metricsAccess({ production: deps.production, token: deps.metricsToken }, { authorization: req.getHeader('authorization') || undefined, forwarded: Boolean(req.getHeader('x-forwarded-for') || req.getHeader('forwarded')) }, what);
  const refuse = (res: uWS.HttpResponse, verdict: MetricsAccess) => {
    if (verdict === 'unauthorized') res.writeStatus('401 Unauthorized').writeHeader('Content-Type', 'application/json').end('{"error":{"code":"METRICS_TOKEN_REQUIRED","message":"this endpoint needs Authorization: Bearer <METRICS_TOKEN>"}}');
    else res.writeStatus('404 Not Found').writeHeader('Content-Type', 'application/json').end('{"error":{"code":"NOT_FOUND","message":"no such path"}}');
  };
  app.get('/metrics', (res, req) => {
    const verdict = access(req, 'metrics');
    if (verdict !== 'allow') return refuse(res, verdict);
    let aborted = false;
    res.onAborted(() => { aborted = true; });
    void deps.registry.metrics().then((body) => {
      if (!aborted) res.cork(() => res.writeHeader('Content-Type', deps.registry.contentType).end(body));
    });
  });
  app.get('/ingest/health', (res, req) => {
    const verdict = access(req, 'health');
    if (verdict !== 'allow') return refuse(res, verdict);
    res.writeHeader('Content-Type', 'application/json').writeHeader('Cache-Control', 'no-store').end(JSON.stringify(ingestHealth(deps.health())));
  });
}

/**
 * Anything else, a WebSocket upgrade on another path included, is a plain 404: a client
 * that mistyped the path learns it at once instead of waiting for a timeout. Attach last.
 */
export function attachNotFound(app: uWS.TemplatedApp): void {
  app.any('/*', (res, req) => {
    const path = req.getUrl();
    res.writeStatus('404 Not Found').writeHeader('Content-Type', 'application/json')
      .end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route for ${path}; keystrokes go to /ws` } }));
  });
}

export function listen(app: uWS.TemplatedApp, host: string, port: number): Promise<uWS.us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (token) => (token ? resolve(token) : reject(new Error(`ingest server could not listen on ${host}:${port}`))));
  });
}
