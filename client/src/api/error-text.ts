import { ApiError, NetworkError } from './http.ts';

/** A sentence for a form: the server's own message for its codes, plain words for the rest. */
export function errorText(error: unknown): string {
  if (error instanceof NetworkError) return 'The server cannot be reached. Check your connection and try again.';
  if (error instanceof ApiError) {
    if (error.code === 'RATE_LIMITED') return 'Too many attempts; wait a little and try again.';
    if (error.status >= 500) return `The server had a problem (${error.code}). Try again in a moment.`;
    return error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return error instanceof Error ? error.message : String(error);
}
