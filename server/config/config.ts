import net from 'node:net';
import path from 'node:path';
import { envSchema, type RawEnv } from './schema.ts';
import { loadOrCreateLocalSecret } from './local-secret.ts';

/** A configuration problem, named by the variable that caused it. Printed as one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

// Values that appear in templates and tutorials; a production secret equal to one of them
// is as good as none.
const KNOWN_DEFAULT_SECRETS = new Set([
  'changeme', 'change-me', 'change_me', 'secret', 'your-secret-key', 'your_secret_key',
  'development-secret', 'dev-secret', 'supersecret', 'please-change-me',
]);
const MIN_SECRET_LENGTH = 32;

export interface Config {
  env: RawEnv['NODE_ENV'];
  production: boolean;
  domain: string;
  host: string;
  httpPort: number;
  ingestPort: number;
  publicUrl: string;
  /** The ingest WebSocket as browsers reach it (through the proxy in production). */
  ingestPublicUrl: string;
  dataDir: string;
  /** Set when an external PostgreSQL is used; unset means "start the embedded one". */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  embeddedPgPort: number;
  secretKey: string;
  secretKeySource: 'environment' | 'generated' | 'data-dir';
  /** Earlier secrets still accepted for decryption after a rotation (SECRET_KEY_PREVIOUS, comma-separated). */
  previousSecretKeys: string[];
  /** Bearer token for /metrics in production (METRICS_TOKEN); unset: internal requests only. */
  metricsToken: string | undefined;
  allowedOrigins: string[];
  logLevel: RawEnv['LOG_LEVEL'];
  google: { clientId?: string; clientSecret?: string; issuerUrl: string };
  email: {
    provider: 'smtp' | 'console';
    /** EMAIL_PROVIDER was set: production accepts the console mailer only when chosen so. */
    providerChosen: boolean;
    from: string;
    fromName: string;
    smtp: { host?: string; port: number; username?: string; password?: string; useTls: boolean };
  };
  security: {
    csrf: boolean;
    httpsRedirect: boolean;
    headers: boolean;
    authRateLimit: boolean;
    maxLoginAttempts: number;
    lockoutMinutes: number;
    lockoutResetMinutes: number;
    bcryptRounds: number;
    generalRatePerMinute: number;
    /** Peers whose X-Forwarded-For is believed (the reverse proxy); empty trusts none. */
    trustedProxies: string[];
    refreshTokenDays: number;
    /** Absolute lifetime of a sign-in, whatever its rotations. */
    sessionMaxDays: number;
    /** Failed sign-ins per account from unrecognised devices before they are made to wait. */
    signInAccountCeiling: number;
  };
  ingest: {
    flushRows: number;
    flushMs: number;
    flushers: number;
    bufferCapBytes: number;
    maxFrameBytes: number;
    maxEventsPerBatch: number;
    maxBackpressureBytes: number;
    idleTimeoutSec: number;
    helloTimeoutSec: number;
    framesPerSecond: number;
    frameBurst: number;
  };
  /** Caps and quotas per ticket, user and address (PROTOCOL.md §1, API.md). */
  quotas: {
    connectionsPerTicket: number;
    connectionsPerUser: number;
    connectionsPerIp: number;
    eventsPerUserPerDay: number;
    anonymousSessionsPerHour: number;
    openSessionsPerUser: number;
  };
  /** statement_timeout of each pool, and the analytics pool's size. */
  databaseTimeouts: { analyticsMs: number; requestMs: number; backgroundMs: number; analyticsPoolSize: number };
  shutdownTimeoutMs: number;
  /** Set when the load-test endpoints are enabled; their callers must present it. */
  loadtestToken: string | undefined;
  loadtest: {
    /** LOADTEST_TOKEN is set but NODE_ENV=production without LOADTEST_ALLOW_PRODUCTION. */
    refusedInProduction: boolean;
    retentionHours: number;
  };
}

export interface LoadOptions {
  /** Folder that relative paths (DATA_DIR) are resolved against. */
  cwd?: string;
}

/** Validates the environment and returns the typed configuration, or throws ConfigError. */
export function loadConfig(source: Record<string, string | undefined>, options: LoadOptions = {}): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'invalid');
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const cwd = options.cwd ?? process.cwd();
  const dataDir = path.resolve(cwd, env.DATA_DIR ?? '.data');
  const host = env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const publicUrl = (env.PUBLIC_URL ?? (production ? `https://${env.DOMAIN}` : `http://localhost:${env.PORT}`)).replace(/\/$/, '');

  const ingestPublicUrl = resolveIngestUrl(env, production);
  const secret = resolveSecret(env, production, dataDir);
  const databaseUrl = env.DATABASE_URL ?? (production ? productionDatabaseUrl(env) : undefined);

  const allowedOrigins = env.ALLOWED_ORIGINS
    ? env.ALLOWED_ORIGINS.split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean)
    : defaultOrigins(publicUrl, env.PORT, production);

  for (const entry of (env.TRUSTED_PROXIES ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const bits = net.isIPv6(address) ? 128 : 32;
    if (!net.isIP(address) || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits))) {
      throw new ConfigError('TRUSTED_PROXIES', `"${entry}" is not an IP address or CIDR range`);
    }
  }
  if (env.LOADTEST_TOKEN !== undefined && env.LOADTEST_TOKEN.length < 32) {
    throw new ConfigError('LOADTEST_TOKEN', 'must be at least 32 characters when set (it opens bulk session creation)');
  }
  if (production && env.EMAIL_PROVIDER === 'smtp' && !env.SMTP_HOST) {
    throw new ConfigError('SMTP_HOST', 'is required when EMAIL_PROVIDER=smtp');
  }

  return {
    env: env.NODE_ENV,
    production,
    domain: env.DOMAIN ?? 'localhost',
    host,
    httpPort: env.PORT,
    ingestPort: env.INGEST_PORT,
    publicUrl,
    ingestPublicUrl,
    dataDir,
    databaseUrl,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    embeddedPgPort: env.EMBEDDED_PG_PORT,
    secretKey: secret.value,
    secretKeySource: secret.source,
    metricsToken: env.METRICS_TOKEN || undefined,
    previousSecretKeys: (env.SECRET_KEY_PREVIOUS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    allowedOrigins,
    logLevel: env.LOG_LEVEL,
    google: {
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
      issuerUrl: (env.GOOGLE_ISSUER_URL ?? 'https://accounts.google.com').replace(/\/$/, ''),
    },
    email: {
      provider: env.EMAIL_PROVIDER ?? (env.SMTP_HOST ? 'smtp' : 'console'),
      providerChosen: env.EMAIL_PROVIDER !== undefined,
      from: env.EMAIL_FROM ?? 'noreply@localhost',
      fromName: env.EMAIL_FROM_NAME ?? 'FingerFlow',
      smtp: {
        host: env.SMTP_HOST,
        port: env.SMTP_PORT,
        username: env.SMTP_USERNAME,
        password: env.SMTP_PASSWORD,
        useTls: env.SMTP_USE_TLS,
      },
    },
    security: {
      csrf: env.CSRF_PROTECTION_ENABLED,
      httpsRedirect: env.HTTPS_REDIRECT_ENABLED,
      headers: env.SECURITY_HEADERS_ENABLED,
      authRateLimit: env.AUTH_RATE_LIMIT_ENABLED,
      maxLoginAttempts: env.MAX_LOGIN_ATTEMPTS,
      lockoutMinutes: env.LOCKOUT_DURATION_MINUTES,
      lockoutResetMinutes: env.LOCKOUT_RESET_AFTER_MINUTES,
      bcryptRounds: env.BCRYPT_ROUNDS,
      generalRatePerMinute: env.RATE_LIMIT_PER_MINUTE,
      trustedProxies: (env.TRUSTED_PROXIES ?? '').split(',').map((p) => p.trim()).filter(Boolean),
      refreshTokenDays: env.REFRESH_TOKEN_DAYS,
      sessionMaxDays: env.SESSION_MAX_DAYS,
      signInAccountCeiling: env.SIGN_IN_ACCOUNT_CEILING,
    },
    ingest: {
      flushRows: env.INGEST_FLUSH_ROWS,
      flushMs: env.INGEST_FLUSH_MS,
      flushers: env.INGEST_FLUSHERS,
      bufferCapBytes: env.INGEST_BUFFER_CAP_MB * 1024 * 1024,
      maxFrameBytes: env.INGEST_MAX_FRAME_BYTES,
      maxEventsPerBatch: env.INGEST_MAX_EVENTS_PER_BATCH,
      maxBackpressureBytes: env.INGEST_MAX_BACKPRESSURE_KB * 1024,
      idleTimeoutSec: env.INGEST_IDLE_TIMEOUT_S,
      helloTimeoutSec: env.INGEST_HELLO_TIMEOUT_S,
      framesPerSecond: env.INGEST_FRAMES_PER_SECOND,
      frameBurst: env.INGEST_FRAME_BURST,
    },
    quotas: {
      connectionsPerTicket: env.INGEST_MAX_CONNECTIONS_PER_TICKET,
      connectionsPerUser: env.INGEST_MAX_CONNECTIONS_PER_USER,
      connectionsPerIp: env.INGEST_MAX_CONNECTIONS_PER_IP,
      eventsPerUserPerDay: env.QUOTA_EVENTS_PER_USER_PER_DAY,
      anonymousSessionsPerHour: env.QUOTA_ANONYMOUS_SESSIONS_PER_HOUR,
      openSessionsPerUser: env.QUOTA_OPEN_SESSIONS_PER_USER,
    },
    databaseTimeouts: {
      analyticsMs: env.ANALYTICS_STATEMENT_TIMEOUT_MS,
      requestMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      backgroundMs: env.BACKGROUND_STATEMENT_TIMEOUT_MS,
      analyticsPoolSize: env.ANALYTICS_POOL_SIZE,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    loadtestToken: production && !env.LOADTEST_ALLOW_PRODUCTION ? undefined : env.LOADTEST_TOKEN,
    loadtest: {
      refusedInProduction: production && !env.LOADTEST_ALLOW_PRODUCTION && env.LOADTEST_TOKEN !== undefined,
      retentionHours: env.LOADTEST_RETENTION_HOURS,
    },
  };
}

// In production Traefik routes wss://DOMAIN/ws to the ingest replicas; locally the browser
// talks to the ingest port directly. Only ws: and wss: make sense for a WebSocket.
function resolveIngestUrl(env: RawEnv, production: boolean): string {
  const value = env.INGEST_PUBLIC_URL ?? (production ? `wss://${env.DOMAIN}/ws` : `ws://localhost:${env.INGEST_PORT}/ws`);
  const protocol = new URL(value).protocol;
  if (protocol !== 'ws:' && protocol !== 'wss:') throw new ConfigError('INGEST_PUBLIC_URL', `must be a ws:// or wss:// URL, got ${protocol}//`);
  return value;
}

function resolveSecret(env: RawEnv, production: boolean, dataDir: string): { value: string; source: Config['secretKeySource'] } {
  const key = env.SECRET_KEY;
  if (production) {
    if (!key) throw new ConfigError('SECRET_KEY', 'is required in production (generate one with: openssl rand -hex 32)');
    if (KNOWN_DEFAULT_SECRETS.has(key.toLowerCase()) || /^<.*>$/.test(key)) {
      throw new ConfigError('SECRET_KEY', 'is a placeholder value; generate one with: openssl rand -hex 32');
    }
    if (key.length < MIN_SECRET_LENGTH) {
      throw new ConfigError('SECRET_KEY', `is ${key.length} characters; production needs at least ${MIN_SECRET_LENGTH}`);
    }
    return { value: key, source: 'environment' };
  }
  if (key) return { value: key, source: 'environment' };
  return loadOrCreateLocalSecret(dataDir);
}

function productionDatabaseUrl(env: RawEnv): string {
  if (!env.POSTGRES_PASSWORD) {
    throw new ConfigError('DATABASE_URL', 'is required in production (or set POSTGRES_PASSWORD with POSTGRES_HOST/USER/DB)');
  }
  const u = new URL('postgres://localhost');
  u.hostname = env.POSTGRES_HOST ?? 'postgres';
  u.port = String(env.POSTGRES_PORT);
  u.username = env.POSTGRES_USER ?? 'fingerflow';
  u.password = env.POSTGRES_PASSWORD;
  u.pathname = `/${env.POSTGRES_DB ?? 'fingerflow'}`;
  return u.toString();
}

function defaultOrigins(publicUrl: string, port: number, production: boolean): string[] {
  if (production) return [publicUrl];
  return [...new Set([publicUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
}
