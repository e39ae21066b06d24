import type { ErrorBody, ErrorCode } from '../../../shared/api/errors.ts';

/**
 * The code of a refusal: one of the API's (shared/api/errors.ts), or the page's own for an
 * answer that carried none (a proxy's error page, a file download's status).
 */
export type ApiErrorCode = ErrorCode | `HTTP_${number}` | 'BAD_GATEWAY';

/** An answer of the sidecar other than 2xx, with its stable error code. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The sidecar could not be reached at all (offline, server down). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(`the server cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One JSON request to the sidecar; non-2xx answers become ApiError with the body's code. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET', headers, credentials: 'same-origin', signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  const text = await response.text();
  const body = text ? parseJson(text) : undefined;
  if (!response.ok) {
    const error = (body as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText);
  }
  return body as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // A proxy's HTML error page, say: report it as what it is.
    throw new ApiError(502, 'BAD_GATEWAY', `the answer was not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
