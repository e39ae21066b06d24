import type { Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';
import { createPool, type Pool } from '../db/pool.ts';
import type { DatabaseState } from '../db/health-monitor.ts';
import { KeyRing } from '../auth/keys.ts';
import { JwtTokens } from '../auth/jwt-tokens.ts';
import { PasswordHasher } from '../auth/passwords.ts';
import { TicketSigner } from '../auth/tickets.ts';
import { createSecondFactor } from '../auth/second-factor.ts';
import { RefreshTokens } from '../auth/store/refresh-tokens.ts';
import { backgroundMailer, createMailer, type Mailer } from '../email/mailer.ts';
import { SignInLiveness } from '../auth/sign-in-liveness.ts';
import { SignInGuard } from '../auth/sign-in-guard.ts';
import { DeviceMarks } from '../auth/device-marks.ts';
import { CsrfGuard } from './csrf.ts';
import { RateLimiter } from './rate-limit.ts';
import { TrustedProxies } from './trusted-proxies.ts';
import type { SidecarDeps } from './sidecar-deps.ts';
import { AnalyticsGate } from './analytics-gate.ts';

/** Builds the sidecar's collaborators from the configuration (tests may swap the mailer). */
export function buildSidecarDeps(input: { config: Config; log: Logger; pool: Pool; databaseState: () => DatabaseState; mailer?: Mailer; databaseUrl?: string }): SidecarDeps {
  const { config, log, pool } = input;
  const keys = new KeyRing(config.secretKey, config.previousSecretKeys);
  const tokens = new JwtTokens(keys);
  // The database the pool uses (npm start's embedded one has no DATABASE_URL).
  const liveness = new SignInLiveness(pool, input.databaseUrl ?? config.databaseUrl, log);
  liveness.start();
  tokens.checkLivenessWith((userId, familyId) => liveness.isLive(userId, familyId));
  const deps: SidecarDeps = {
    config,
    log,
    pool,
    keys,
    tokens,
    liveness,
    hasher: new PasswordHasher(config.security.bcryptRounds),
    tickets: new TicketSigner(config.secretKey),
    refreshTokens: new RefreshTokens(pool, config.security.refreshTokenDays, config.security.sessionMaxDays, (userId) => liveness.forget(userId)),
    mailer: backgroundMailer(input.mailer ?? createMailer(config, log), log),
    limiter: new RateLimiter(pool),
    signInGuard: signInGuard(pool, config, log, keys),
    csrf: new CsrfGuard(keys.key('csrf'), new Set(config.allowedOrigins), log, config.security.csrf),
    secondFactor: createSecondFactor(pool, keys),
    trustedProxies: new TrustedProxies(config.security.trustedProxies),
    databaseState: input.databaseState,
    analyticsPool: analyticsPool(pool, config, log),
    analyticsGate: new AnalyticsGate({ concurrency: config.databaseTimeouts.analyticsPoolSize, perUser: 6, maxWaiting: 32, maxWaitMs: 10_000 }, log),
  };
  return deps;
}

function signInGuard(pool: Pool, config: Config, log: Logger, keys: KeyRing): SignInGuard {
  const s = config.security;
  const policy = { maxAttempts: s.maxLoginAttempts, lockMinutes: s.lockoutMinutes, resetMinutes: s.lockoutResetMinutes, accountCeiling: s.signInAccountCeiling };
  return new SignInGuard(pool, log, policy, new DeviceMarks(keys.key('device')));
}

/**
 * The pool request-path analytics run on, beside the main one: ANALYTICS_POOL_SIZE
 * connections with the shortest statement timeout, so heavy reports can never take the
 * connections sign-in, sessions and the ingest claims use (issue 15). It lets the process
 * exit while idle, so a composition root need not end it.
 */
function analyticsPool(main: Pool, config: Config, log: Logger): Pool {
  const connectionString = (main as unknown as { options: { connectionString: string } }).options.connectionString;
  return createPool(connectionString, {
    max: config.databaseTimeouts.analyticsPoolSize,
    applicationName: 'fingerflow-analytics',
    statementTimeoutMs: config.databaseTimeouts.analyticsMs,
    allowExitOnIdle: true,
    onError: (error) => log.warn({ event: 'analytics_connection_error', err: error }, 'analytics database connection failed'),
  });
}
