import type { Context, Next } from 'koa';
import { AuthError, type AuthErrorCode, type AuthErrorKind } from '../auth/errors.ts';
import type { ErrorStatus } from '../../shared/api/errors.ts';
import { HttpError } from './errors.ts';

/** The status of each kind (the api-doc conformance test holds each code thrown with a kind to the catalogue). */
export const AUTH_ERROR_STATUS: Record<AuthErrorKind, ErrorStatus<AuthErrorCode>> = { invalid: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, locked: 423 };

/** An auth use case's refusal as the client sees it: a status for its kind, with a Retry-After when it says to wait. */
export function authHttpError(ctx: Context, error: AuthError): HttpError {
  const wait = error.details?.retryAfterSeconds;
  if (wait !== undefined) ctx.set('Retry-After', String(wait));
  return new HttpError(AUTH_ERROR_STATUS[error.kind], error.code, error.message, error.details ? { ...error.details } : undefined);
}

/**
 * Router middleware (first in each auth router): turns AuthError into HttpError for the
 * error handler. A route behind a failures-only rate limit has it after the limiter as well,
 * since the limiter counts the HttpErrors it sees.
 */
export async function translateAuthErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    throw error instanceof AuthError ? authHttpError(ctx, error) : error;
  }
}
