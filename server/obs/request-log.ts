import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from './logger.ts';
import { routeOf } from './http-metrics.ts';

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * A request id for every request (Traefik's or a client's X-Request-Id when well-formed,
 * else a new one), echoed in the X-Request-Id response header and kept in ctx.state so
 * that the error handler's log lines carry it; then one access-log line per request
 * (`http_request`), at debug level for the health checks that run every few seconds.
 */
export function requestLog(log: Logger) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const line = { event: 'http_request', requestId, method: ctx.method, route: routeOf(ctx), status: ctx.status, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 };
      if (ctx.path === '/health' || ctx.path === '/metrics') log.debug(line, 'request');
      else log.info(line, 'request');
    }
  };
}
