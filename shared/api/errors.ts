import { z } from 'zod';

/**
 * Every error code the sidecar answers (`/api`, `/auth`, `/metrics`), with the statuses it
 * comes with and what it means. It types HttpError's `code` (server/http/errors.ts), so a
 * code not listed here does not compile; API.md's error tables are held to it both ways
 * (server/test/conformance/api-doc.test.ts). The ingest server's codes are PROTOCOL.md's.
 */
export const ERROR_CODES = {
  // Input and transport
  VALIDATION_FAILED: { status: [400], meaning: 'bad input; see details.fields' },
  BAD_REQUEST: { status: [400], meaning: 'the body is not JSON, or holds input PostgreSQL cannot store' },
  PAYLOAD_TOO_LARGE: { status: [413], meaning: 'the body is over its limit (64 KB, 32 MB for an import)' },
  UNSUPPORTED_MEDIA_TYPE: { status: [415], meaning: 'a body that is not application/json' },
  NOT_FOUND: { status: [404], meaning: 'no such route' },
  METHOD_NOT_ALLOWED: { status: [405], meaning: 'the route exists, not with this method' },
  UNAUTHENTICATED: { status: [401], meaning: 'a 401 raised below the routes without a code of its own' },
  FORBIDDEN: { status: [403], meaning: 'a 403 raised below the routes without a code of its own' },
  RATE_LIMITED: { status: [429], meaning: 'over a rate limit; Retry-After says when to try again' },
  INTERNAL_ERROR: { status: [500], meaning: 'a bug, logged with the request id' },
  DATABASE_TIMEOUT: { status: [503], meaning: 'the request ran past the statement timeout' },
  DATABASE_UNAVAILABLE: { status: [503], meaning: 'PostgreSQL cannot be reached' },
  METRICS_TOKEN_REQUIRED: { status: [401], meaning: 'GET /metrics in production without its token' },
  // Access tokens and mailed links
  TOKEN_MISSING: { status: [401], meaning: 'no access token' },
  TOKEN_EXPIRED: { status: [400, 401], meaning: 'the access token (401) or mailed link (400) is too old' },
  TOKEN_INVALID: { status: [400, 401], meaning: 'the access token (401) or mailed link (400) is not one of ours, or its user is gone' },
  TOKEN_REVOKED: { status: [401], meaning: "the access token's sign-in has ended" },
  TOKEN_USED: { status: [400], meaning: 'a mailed link already used' },
  ACCOUNT_REQUIRED: { status: [403], meaning: 'an anonymous typist doing what needs an account' },
  // Sessions
  SESSION_NOT_FOUND: { status: [404], meaning: "no such session, or not the caller's" },
  SESSION_ENDED: { status: [409], meaning: 'a ticket for a session that has ended' },
  SESSION_QUOTA_EXCEEDED: { status: [429], meaning: 'an anonymous typist started too many sessions this hour' },
  TOO_MANY_OPEN_SESSIONS: { status: [429], meaning: 'too many sessions not yet ended' },
  EVENT_QUOTA_EXCEEDED: { status: [429], meaning: 'too many keystrokes stored in the last 24 hours' },
  ANONYMOUS_TOKEN_INVALID: { status: [400], meaning: 'claim: the anonymous token is invalid or expired' },
  NOT_ANONYMOUS: { status: [400], meaning: 'claim: the token belongs to an account' },
  ANONYMOUS_USER_NOT_FOUND: { status: [404], meaning: 'claim: already claimed' },
  // Word sets
  WORD_SET_NOT_FOUND: { status: [404], meaning: "no such word set, or not the caller's" },
  WORD_SET_READ_ONLY: { status: [403], meaning: 'changing or deleting a built-in word set' },
  WORD_SET_NAME_TAKEN: { status: [409], meaning: 'the caller has a set of this name' },
  // Import
  IMPORT_EVENTS_MISSING: { status: [422], meaning: 'an import would create sessions without their keystrokes' },
  SESSION_TOO_LONG: { status: [400], meaning: "import: an event's offset is beyond 6 hours" },
  OFFSET_DECREASED: { status: [400], meaning: "import: an event's offset is before the one before it" },
  // Analytics
  ANALYTICS_BUSY: { status: [429, 503], meaning: 'too many analytics requests of the caller (429) or of everyone (503)' },
  ANALYTICS_TIMEOUT: { status: [503], meaning: 'the report ran past the analytics statement timeout' },
  // Load tests
  LOADTEST_TOKEN_INVALID: { status: [403], meaning: 'a load-test route without the right X-Loadtest-Token' },
  // Accounts and sign-in
  INVALID_CREDENTIALS: { status: [400, 401], meaning: 'wrong password: re-authentication (400) or sign-in (401)' },
  PASSWORD_REQUIRED: { status: [400], meaning: 're-authentication without a password' },
  REAUTH_WITH_PROVIDER: { status: [400], meaning: 're-authentication of an account made through Google' },
  TWO_FACTOR_REQUIRED: { status: [400], meaning: 're-authentication with 2FA on, without a code' },
  TWO_FACTOR_INVALID: { status: [400, 401], meaning: 'a wrong 2FA code: re-authentication (400) or sign-in (401)' },
  WEAK_PASSWORD: { status: [400], meaning: 'the new password breaks the policy' },
  EMAIL_UNCHANGED: { status: [400], meaning: 'an email change to the address the account has' },
  EMAIL_CHANGE_NEEDS_CONFIRMATION: { status: [400], meaning: 'PATCH /auth/me with another email' },
  REFRESH_INVALID: { status: [401], meaning: 'the refresh cookie is unknown or revoked' },
  REFRESH_EXPIRED: { status: [401], meaning: 'the refresh cookie is past its end' },
  REFRESH_REUSED: { status: [401], meaning: 'the refresh cookie was presented a second time' },
  CSRF_INVALID: { status: [403], meaning: 'a cookie-authenticated request without the matching CSRF header, or from an origin not allowed' },
  EMAIL_NOT_VERIFIED: { status: [403], meaning: 'sign-in before the address was confirmed' },
  DEVICE_NOT_FOUND: { status: [404], meaning: "no such live sign-in of the caller's" },
  EMAIL_TAKEN: { status: [409], meaning: 'another account took the address meanwhile' },
  TWO_FACTOR_NOT_SET_UP: { status: [409], meaning: 'enabling 2FA before its setup' },
  TWO_FACTOR_SETUP_CHANGED: { status: [409], meaning: 'a newer 2FA setup replaced the secret' },
  TWO_FACTOR_ALREADY_ENABLED: { status: [409], meaning: '2FA setup while it is on' },
  TWO_FACTOR_NOT_ENABLED: { status: [409], meaning: 'turning off 2FA, or new backup codes, while it is off' },
  AUTH_LOCKED: { status: [423], meaning: 'too many wrong passwords or codes; Retry-After' },
  OAUTH_NOT_CONFIGURED: { status: [501], meaning: 'Google sign-in on a server without its credentials' },
} as const satisfies Record<string, { status: readonly number[]; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The statuses a code may come with: `new HttpError(404, 'SESSION_ENDED', ...)` does not compile. */
export type ErrorStatus<C extends ErrorCode = ErrorCode> = (typeof ERROR_CODES)[C]['status'][number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Every error answer: `{ error: { code, message, details? } }`. */
export const errorBody = z.object({
  error: z.object({ code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }).strict(),
}).strict();
export type ErrorBody = z.infer<typeof errorBody>;
