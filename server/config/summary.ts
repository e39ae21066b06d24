import type { Config } from './config.ts';

/** The configuration as it may be logged: secrets replaced by whether they are set. */
export function redactedSummary(config: Config): Record<string, unknown> {
  const set = (value: string | undefined) => (value ? '(set)' : '(unset)');
  return {
    env: config.env,
    host: config.host,
    httpPort: config.httpPort,
    ingestPort: config.ingestPort,
    publicUrl: config.publicUrl,
    ingestPublicUrl: config.ingestPublicUrl,
    dataDir: config.dataDir,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : `embedded (port ${config.embeddedPgPort})`,
    secretKey: `(${config.secretKeySource}, ${config.secretKey.length} chars)`,
    allowedOrigins: config.allowedOrigins,
    logLevel: config.logLevel,
    google: { clientId: config.google.clientId ?? '(unset)', clientSecret: set(config.google.clientSecret), issuerUrl: config.google.issuerUrl },
    email: {
      provider: config.email.provider,
      from: config.email.from,
      smtp: { host: config.email.smtp.host ?? '(unset)', port: config.email.smtp.port, username: set(config.email.smtp.username), password: set(config.email.smtp.password), useTls: config.email.smtp.useTls },
    },
    security: config.security,
    ingest: config.ingest,
    loadtestEndpoints: config.loadtestToken ? 'enabled' : config.loadtest.refusedInProduction ? 'refused in production (LOADTEST_ALLOW_PRODUCTION is not set)' : 'disabled',
  };
}

export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}
