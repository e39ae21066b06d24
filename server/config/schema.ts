import { z } from 'zod';

// Every environment variable FingerFlow reads, with its default and meaning. The seed's
// deployment guide names most of them (operators already have .env files that set them);
// the rest are ours. Nothing outside server/config/ reads process.env.

const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false, got "${value}"` });
      return z.NEVER;
    });

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (!/^-?\d+$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number, got "${value}"` });
        return z.NEVER;
      }
      const n = Number(value);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });

const text = (fallback?: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : value));

const url = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    try {
      return new URL(value).toString();
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return z.NEVER;
    }
  });

const LOG_LEVELS = { trace: 'trace', debug: 'debug', info: 'info', warning: 'warn', warn: 'warn', error: 'error', critical: 'fatal', fatal: 'fatal' } as const;

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DOMAIN: text('localhost'),
  HOST: text(),
  PORT: int(8080, 1, 65535),
  INGEST_PORT: int(8081, 1, 65535),
  // Where browsers open the ingest WebSocket; handed out with every ingest ticket.
  INGEST_PUBLIC_URL: url,
  PUBLIC_URL: url,
  DATA_DIR: text('.data'),
  DATABASE_URL: url,
  DATABASE_POOL_SIZE: int(10, 1, 200),
  EMBEDDED_PG_PORT: int(54329, 1, 65535),
  POSTGRES_HOST: text('postgres'),
  POSTGRES_PORT: int(5432, 1, 65535),
  POSTGRES_USER: text('fingerflow'),
  POSTGRES_DB: text('fingerflow'),
  POSTGRES_PASSWORD: text(),
  SECRET_KEY: text(),
  SECRET_KEY_PREVIOUS: text(),
  METRICS_TOKEN: text(),
  GOOGLE_CLIENT_ID: text(),
  GOOGLE_CLIENT_SECRET: text(),
  GOOGLE_ISSUER_URL: url,
  EMAIL_PROVIDER: z.enum(['smtp', 'console']).optional(),
  EMAIL_FROM: text('noreply@localhost'),
  EMAIL_FROM_NAME: text('FingerFlow'),
  SMTP_HOST: text(),
  SMTP_PORT: int(587, 1, 65535),
  SMTP_USERNAME: text(),
  SMTP_PASSWORD: text(),
  SMTP_USE_TLS: bool(true),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return 'info' as const;
      const level = LOG_LEVELS[value as keyof typeof LOG_LEVELS];
      if (level) return level;
      ctx.addIssue({ code: 'custom', message: `expected one of ${Object.keys(LOG_LEVELS).join(', ')}` });
      return z.NEVER;
    }),
  CSRF_PROTECTION_ENABLED: bool(true),
  HTTPS_REDIRECT_ENABLED: bool(false),
  SECURITY_HEADERS_ENABLED: bool(true),
  AUTH_RATE_LIMIT_ENABLED: bool(true),
  MAX_LOGIN_ATTEMPTS: int(5, 1, 1000),
  LOCKOUT_DURATION_MINUTES: int(15, 1, 10080),
  LOCKOUT_RESET_AFTER_MINUTES: int(60, 1, 10080),
  BCRYPT_ROUNDS: int(12, 4, 15),
  RATE_LIMIT_PER_MINUTE: int(100, 1, 1_000_000),
  TRUSTED_PROXIES: text(),
  REFRESH_TOKEN_DAYS: int(7, 1, 365),
  // A sign-in ends this many days after the password (or code) was entered, however often
  // its refresh token rotates.
  SESSION_MAX_DAYS: int(30, 1, 365),
  // Failed sign-ins from all unrecognised devices together before they wait (see DEPLOY.md).
  SIGN_IN_ACCOUNT_CEILING: int(50, 2, 100_000),
  ALLOWED_ORIGINS: text(),
  // Flush size, age and parallelism were chosen with `npm run bench:ingest` on a 2-core
  // machine: 8000 rows and 3 flushers reached ~0.5x of raw COPY with p99 acks under 100 ms
  // at half load; 4000 rows or 2 flushers gave ~10% less throughput.
  INGEST_FLUSH_ROWS: int(8000, 1, 1_000_000),
  INGEST_FLUSH_MS: int(25, 1, 10_000),
  INGEST_FLUSHERS: int(3, 1, 16),
  INGEST_BUFFER_CAP_MB: int(64, 1, 16_384),
  INGEST_MAX_FRAME_BYTES: int(65536, 256, 16 * 1024 * 1024),
  INGEST_MAX_EVENTS_PER_BATCH: int(512, 1, 100_000),
  INGEST_MAX_BACKPRESSURE_KB: int(1024, 16, 1_048_576),
  INGEST_IDLE_TIMEOUT_S: int(120, 8, 960),
  // A connection must say hello (or watch) this soon after it opens, or it is closed with
  // IDLE_TIMEOUT 4004 (PROTOCOL.md §4): answering pings alone does not keep it open.
  INGEST_HELLO_TIMEOUT_S: int(10, 1, 600),
  // The frame budget each connection is told in welcome (PROTOCOL.md 6.1): a typist sends a few
  // frames a second; a client resending a backlog paces itself to this.
  INGEST_FRAMES_PER_SECOND: int(200, 1, 100_000),
  INGEST_FRAME_BURST: int(400, 33, 1_000_000),
  SHUTDOWN_TIMEOUT_MS: int(8000, 100, 60_000),
  // Caps and quotas against one client exhausting the server (issue 15; codes in PROTOCOL.md
  // and API.md). Generous: far above what a person typing produces.
  INGEST_MAX_CONNECTIONS_PER_TICKET: int(4, 1, 1_000_000),
  INGEST_MAX_CONNECTIONS_PER_USER: int(64, 1, 1_000_000),
  INGEST_MAX_CONNECTIONS_PER_IP: int(20_000, 1, 10_000_000),
  QUOTA_EVENTS_PER_USER_PER_DAY: int(2_000_000, 1, 1_000_000_000),
  QUOTA_ANONYMOUS_SESSIONS_PER_HOUR: int(120, 1, 1_000_000),
  QUOTA_OPEN_SESSIONS_PER_USER: int(500, 1, 10_000_000),
  // Statement timeouts (ms): request-path analytics run on a small pool of their own with the
  // shortest; the writer and the background analytics queue get the longest.
  ANALYTICS_POOL_SIZE: int(2, 1, 50),
  ANALYTICS_STATEMENT_TIMEOUT_MS: int(5000, 100, 600_000),
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  BACKGROUND_STATEMENT_TIMEOUT_MS: int(120_000, 100, 3_600_000),
  // Off unless set: the bulk session endpoint that load tests use instead of 5,000 sign-ups.
  LOADTEST_TOKEN: text(),
  // With NODE_ENV=production the load-test endpoints stay off even when LOADTEST_TOKEN is
  // set, unless this says yes: a load test against production is a decision, not a leftover.
  LOADTEST_ALLOW_PRODUCTION: bool(false),
  // Load-test typists older than this are deleted when the next load test creates sessions.
  LOADTEST_RETENTION_HOURS: int(24, 1, 8760),
});

export type RawEnv = z.infer<typeof envSchema>;
