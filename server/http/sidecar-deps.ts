import type { Config } from '../config/index.ts';
import type { Pool } from '../db/pool.ts';
import type { AuthDeps } from '../auth/auth-deps.ts';
import type { TicketSigner } from '../auth/tickets.ts';
import type { Mailer } from '../email/mailer.ts';
import type { DatabaseState } from '../db/health-monitor.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { CsrfGuard } from './csrf.ts';
import type { TrustedProxies } from './trusted-proxies.ts';
import type { AnalyticsGate } from './analytics-gate.ts';

/** Everything the sidecar's routes use, built once by the composition root (auth's use cases take the AuthDeps part). */
export interface SidecarDeps extends AuthDeps {
  config: Config;
  tickets: TicketSigner;
  /** Sends in the background: routes never wait for the mail server. */
  mailer: Mailer & { idle(): Promise<void> };
  limiter: RateLimiter;
  csrf: CsrfGuard;
  trustedProxies: TrustedProxies;
  databaseState: () => DatabaseState;
  /** Request-path analytics: a small pool of their own with a short statement timeout, and turns. */
  analyticsPool: Pool;
  analyticsGate: AnalyticsGate;
}
