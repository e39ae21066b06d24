/**
 * What a use case refuses, in its own terms: the kind of refusal (the HTTP layer maps each
 * kind to one status), a stable uppercase code and a message safe to show the person.
 */
export type AuthErrorKind =
  | 'invalid' // the input or the secret was wrong
  | 'unauthenticated' // no (or no longer a) sign-in behind the request
  | 'forbidden' // signed in, but this account may not do this
  | 'not_found'
  | 'conflict' // the account's state does not allow it now
  | 'locked'; // too many failed attempts: wait `retryAfterSeconds`

export type AuthErrorCode =
  | 'INVALID_CREDENTIALS' | 'AUTH_LOCKED' | 'EMAIL_NOT_VERIFIED' | 'WEAK_PASSWORD' | 'PASSWORD_REQUIRED'
  | 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED'
  | 'REFRESH_INVALID' | 'REFRESH_EXPIRED' | 'REFRESH_REUSED'
  | 'TWO_FACTOR_REQUIRED' | 'TWO_FACTOR_INVALID' | 'TWO_FACTOR_NOT_SET_UP' | 'TWO_FACTOR_ALREADY_ENABLED' | 'TWO_FACTOR_NOT_ENABLED' | 'TWO_FACTOR_SETUP_CHANGED'
  | 'REAUTH_WITH_PROVIDER' | 'ACCOUNT_REQUIRED' | 'DEVICE_NOT_FOUND'
  | 'EMAIL_CHANGE_NEEDS_CONFIRMATION' | 'EMAIL_UNCHANGED' | 'EMAIL_TAKEN'
  | 'ANONYMOUS_TOKEN_INVALID' | 'ANONYMOUS_USER_NOT_FOUND' | 'NOT_ANONYMOUS';

export interface AuthErrorDetails {
  /** Form field name to what is wrong with it. */
  fields?: Record<string, string>;
  retryAfterSeconds?: number;
}

export class AuthError extends Error {
  constructor(
    readonly kind: AuthErrorKind,
    readonly code: AuthErrorCode,
    message: string,
    readonly details?: AuthErrorDetails,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** A mailed link (verification, reset, email change) that cannot be used. */
export function linkError(code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED', kind: 'verification' | 'reset' | 'email change'): AuthError {
  const what = `${kind} link`;
  const message = { TOKEN_INVALID: `this ${what} is not valid`, TOKEN_EXPIRED: `this ${what} has expired; ask for a new one`, TOKEN_USED: `this ${what} was already used` }[code];
  return new AuthError('invalid', code, message);
}

export function accountGone(code: 'TOKEN_INVALID' | 'INVALID_CREDENTIALS' = 'TOKEN_INVALID'): AuthError {
  return new AuthError('unauthenticated', code, 'the account no longer exists');
}

export function weakPassword(problem: string, field: string): AuthError {
  return new AuthError('invalid', 'WEAK_PASSWORD', `the password ${problem}`, { fields: { [field]: problem } });
}
