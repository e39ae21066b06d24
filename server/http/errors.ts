import type { Context, Next } from 'koa';
import type { Logger } from '../obs/logger.ts';
import { isConnectionError } from '../db/pg-errors.ts';

/**
 * An error meant for the client: a status, a stable uppercase code from the catalogue and
 * a message safe to show. Anything else that reaches the error handler is a bug, logged
 * with its stack and answered with INTERNAL_ERROR and no detail.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorHandler(log: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'NOT_FOUND', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      const known = toHttpError(error);
      if (known) {
        ctx.status = known.status;
        ctx.body = { error: { code: known.code, message: known.message, ...(known.details ? { details: known.details } : {}) } };
        return;
      }
      // The database unreachable or saturated: a temporary refusal the client may retry, not a bug.
      if (isConnectionError(error)) {
        log.warn({ event: 'http_database_unavailable', requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error }, 'database unavailable');
        ctx.status = 503;
        ctx.set('Retry-After', '2');
        ctx.body = { error: { code: 'DATABASE_UNAVAILABLE', message: 'the database cannot be reached right now; try again shortly' } };
        return;
      }
      // statement_timeout fired (SQLSTATE 57014): the work was too heavy for now, not a bug.
      if ((error as { code?: unknown })?.code === '57014') {
        log.warn({ event: 'http_statement_timeout', method: ctx.method, path: ctx.path, err: error }, 'a statement ran past its timeout');
        ctx.status = 503;
        ctx.set('Retry-After', '5');
        ctx.body = { error: { code: 'DATABASE_TIMEOUT', message: 'this request took too long to answer; try again shortly' } };
        return;
      }
      // A PostgreSQL data exception (class 22: bad text, out of range...) comes from input a
      // route did not check well enough: the client's fault, answered as 400, logged to fix.
      if (isDataException(error)) {
        log.warn({ event: 'http_input_reached_database', requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error }, 'input the route should have refused reached PostgreSQL');
        ctx.status = 400;
        ctx.body = { error: { code: 'BAD_REQUEST', message: 'some input could not be stored as given' } };
        return;
      }
      log.error({ event: 'http_unhandled_error', requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL_ERROR', message: 'something went wrong on our side' } };
    }
  };
}

// Koa and its body parsers throw errors with `status` and `expose` (e.g. a malformed JSON
// body is a 400); those are the client's fault and are answered as such, not as a 500.
function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  const e = error as { status?: unknown; expose?: unknown; message?: unknown; code?: unknown };
  // (the JSON parser's SyntaxError carries status 400 without `expose`: still the client's fault)
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : codeForStatus(e.status);
    const message = e.expose === true ? String(e.message ?? 'bad request') : e.status === 400 ? 'the request body could not be parsed as JSON' : 'the request was refused';
    return new HttpError(e.status, code, message);
  }
  return undefined;
}

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHENTICATED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 405: return 'METHOD_NOT_ALLOWED';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 415: return 'UNSUPPORTED_MEDIA_TYPE';
    case 429: return 'RATE_LIMITED';
    default: return 'BAD_REQUEST';
  }
}
