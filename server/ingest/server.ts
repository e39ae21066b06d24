import type uWS from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../obs/logger.ts';
import { loadNativeUws } from './native.ts';

export interface IngestServerDeps {
  host: string;
  port: number;
  log: Logger;
  registry: Registry;
}

export interface IngestServer {
  readonly port: number;
  /** Stops accepting, flushes and acknowledges what is buffered, closes sockets with a reconnect code. */
  drain(): Promise<void>;
}

/** The uWebSockets.js adapter: HTTP routes for metrics and liveness, WebSocket for keystrokes. */
export async function startIngestServer(deps: IngestServerDeps): Promise<IngestServer> {
  const uws = loadNativeUws();
  const app = uws.App();
  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => { aborted = true; });
    void deps.registry.metrics().then((body) => {
      if (aborted) return;
      res.cork(() => res.writeHeader('Content-Type', deps.registry.contentType).end(body));
    });
  });
  app.get('/ingest/health', (res) => {
    res.writeHeader('Content-Type', 'application/json').end('{"status":"ok"}');
  });
  const token = await listen(app, deps.host, deps.port);
  const port = uws.us_socket_local_port(token);
  deps.log.info({ event: 'ingest_listening', host: deps.host, port }, `ingest server on ${deps.host}:${port}`);
  return {
    port,
    async drain() {
      uws.us_listen_socket_close(token);
      (app as unknown as { close(): void }).close();
    },
  };
}

function listen(app: uWS.TemplatedApp, host: string, port: number): Promise<uWS.us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (token) => (token ? resolve(token) : reject(new Error(`ingest server could not listen on ${host}:${port}`))));
  });
}
