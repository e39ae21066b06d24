import type { Context, Next } from 'koa';
import type { Logger } from '../obs/logger.ts';
import { isConnectionError } from '../db/pg-errors.ts';
import { isErrorCode, type ErrorCode, type ErrorStatus } from '../../shared/api/errors.ts';

/**
 * An error meant for the client: a status, a stable uppercase code from the catalogue
 * (shared/api/errors.ts: a code not there, or a status it does not list, does not compile)
 * and a message safe to show. Anything else that reaches the error handler is a bug, logged
 * with its stack and answered with INTERNAL_ERROR and no detail.
 */
export class HttpError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly status: ErrorStatus<C>,
    readonly code: C,
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
        ctx.body = errorAnswer(known.code, known.message, known.details);
        return;
      }
      // The database unreachable or saturated: a temporary refusal the client may retry, not a bug.
      if (isConnectionError(error)) {
        log.warn({ event: 'http_database_unavailable', requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error }, 'database unavailable');
        ctx.status = 503;
        ctx.set('Retry-After', '2');
        ctx.body = errorAnswer('DATABASE_UNAVAILABLE', 'the database cannot be reached right now; try again shortly');
        return;
      }
      // statement_timeout fired (SQLSTATE 57014): the work was too heavy for now, not a bug.
      if ((error as { code?: unknown })?.code === '57014') {
        log.warn({ event: 'http_statement_timeout', method: ctx.method, path: ctx.path, err: error }, 'a statement ran past its timeout');
        ctx.status = 503;
        ctx.set('Retry-After', '5');
        ctx.body = errorAnswer('DATABASE_TIMEOUT', 'this request took too long to answer; try again shortly');
        return;
      }
      // A PostgreSQL data exception (class 22: bad text, out of range...) comes from input a
      // route did not check well enough: the client's fault, answered as 400, logged to fix.
      if (isDataException(error)) {
        log.warn({ event: 'http_input_reached_database', requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error }, 'input the route should have refused reached PostgreSQL');
        ctx.status = 400;
        ctx.body = errorAnswer('BAD_REQUEST', 'some input could not be stored as given');
        return;
      }
      log.error({ event: 'http_unhandled_error', requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = errorAnswer('INTERNAL_ERROR', 'something went wrong on our side');
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
    // A code of ours only: a library's own code (ECONNRESET, ...) is not part of the API.
    const code = isErrorCode(e.code) ? e.code : codeForStatus(e.status);
    const message = e.expose === true && typeof e.message === 'string' ? e.message : e.status === 400 ? 'the request body could not be parsed as JSON' : 'the request was refused';
    return new HttpError(e.status as ErrorStatus, code, message);
  }
  return undefined;
}

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** The error body every refusal has (API.md, Conventions). */
export function errorAnswer(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

function codeForStatus(status: number): ErrorCode {
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
