// The test harness passes the shared test PostgreSQL to each test file through the
// environment; like every other variable, it is read only here.

export const TEST_ENV = {
  adminUrl: 'FINGERFLOW_TEST_PG_ADMIN_URL',
  templateDb: 'FINGERFLOW_TEST_TEMPLATE_DB',
  externalUrl: 'TEST_DATABASE_URL',
} as const;

export function testDatabaseSettings(): { adminUrl: string; templateDb: string } {
  const adminUrl = process.env[TEST_ENV.adminUrl];
  const templateDb = process.env[TEST_ENV.templateDb];
  if (!adminUrl || !templateDb) {
    throw new Error(`this test needs the test database: run it through \`npm test\` (or set ${TEST_ENV.adminUrl} and ${TEST_ENV.templateDb})`);
  }
  return { adminUrl, templateDb };
}

export function externalTestDatabaseUrl(): string | undefined {
  return process.env[TEST_ENV.externalUrl] || undefined;
}

/** The environment of this process, for tests that start a server as a child process. */
export function inheritedEnv(): Record<string, string | undefined> {
  return { ...process.env };
}

/** CI=true (what .ci/run runs under): tests that need a system package are then required. */
export function ciRequiresSystemTools(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}
