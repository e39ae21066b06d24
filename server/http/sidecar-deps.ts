import type { Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { JwtTokens } from '../auth/jwt-tokens.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import type { TicketSigner } from '../auth/tickets.ts';
import type { KeyRing } from '../auth/keys.ts';
import type { RefreshTokens } from '../auth/store/refresh-tokens.ts';
import type { Mailer } from '../email/mailer.ts';
import type { DatabaseState } from '../db/health-monitor.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { CsrfGuard } from './csrf.ts';
import type { SecondFactor } from '../auth/second-factor.ts';
import type { TrustedProxies } from './trusted-proxies.ts';
import type { AnalyticsGate } from './analytics-gate.ts';
import type { SignInLiveness } from '../auth/sign-in-liveness.ts';
import type { SignInGuard } from '../auth/sign-in-guard.ts';

/** Everything the sidecar's routes use, built once by the composition root. */
export interface SidecarDeps {
  config: Config;
  log: Logger;
  pool: Pool;
  keys: KeyRing;
  tokens: JwtTokens;
  /** Whether an access token's sign-in is still live (revocation across sidecar processes). */
  liveness: SignInLiveness;
  hasher: PasswordHasher;
  tickets: TicketSigner;
  refreshTokens: RefreshTokens;
  /** Sends in the background: routes never wait for the mail server. */
  mailer: Mailer & { idle(): Promise<void> };
  limiter: RateLimiter;
  /** The throttle every password and 2FA code check goes through. */
  signInGuard: SignInGuard;
  csrf: CsrfGuard;
  secondFactor: SecondFactor;
  trustedProxies: TrustedProxies;
  databaseState: () => DatabaseState;
  /** Request-path analytics: a small pool of their own with a short statement timeout, and turns. */
  analyticsPool: Pool;
  analyticsGate: AnalyticsGate;
}
