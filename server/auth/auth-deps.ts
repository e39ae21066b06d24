import type { Config } from '../config/index.ts';
import type { Pool } from '../db/pool.ts';
import type { Mailer } from '../email/mailer.ts';
import type { Logger } from '../obs/logger.ts';
import type { JwtTokens } from './jwt-tokens.ts';
import type { KeyRing } from './keys.ts';
import type { PasswordHasher } from './passwords.ts';
import type { SecondFactor } from './second-factor.ts';
import type { SignInGuard } from './sign-in-guard.ts';
import type { SignInLiveness } from './sign-in-liveness.ts';
import type { RefreshTokens } from './store/refresh-tokens.ts';

/** What auth's use cases work with, built once by the composition root. */
export interface AuthDeps {
  /** publicUrl: the links mailed to people point there. */
  config: Pick<Config, 'publicUrl'>;
  log: Logger;
  pool: Pool;
  keys: KeyRing;
  tokens: JwtTokens;
  /** Whether an access token's sign-in is still live (revocation across sidecar processes). */
  liveness: SignInLiveness;
  hasher: PasswordHasher;
  refreshTokens: RefreshTokens;
  /** Sends in the background: use cases never wait for the mail server. */
  mailer: Mailer;
  /** The throttle every password and 2FA code check goes through. */
  signInGuard: SignInGuard;
  secondFactor: SecondFactor;
}

/** A link mailed to the owner of an address, opening `page` of the app with a one-time token. */
export function mailedLink(deps: AuthDeps, page: string, token: string): string {
  return `${deps.config.publicUrl}/${page}?token=${encodeURIComponent(token)}`;
}
