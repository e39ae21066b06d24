import http from 'node:http';
import type Koa from 'koa';

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens with the Koa app and closes keep-alive connections on stop so it ends promptly. */
export async function listenHttp(app: Koa, host: string, port: number): Promise<HttpServer> {
  // Koa's handler answers its own errors (ctx.onerror); its promise carries nothing to wait for.
  const handle = app.callback();
  const server = http.createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}
