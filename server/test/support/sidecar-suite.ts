import type { Test } from 'uvu';
import { freshDatabase, type TestDatabase } from './database.ts';
import { startTestSidecar, type TestSidecar } from './sidecar-fixtures.ts';

export interface SidecarSuite {
  db: TestDatabase;
  sidecar: TestSidecar;
}

/**
 * A database of its own and a sidecar on it for every test of a file, started before the
 * first test and removed after the last (the fields are set once the suite begins).
 */
export function sidecarSuite(suite: Test, overrides: Record<string, string> = {}): SidecarSuite {
  const env = {} as SidecarSuite;
  suite.before(async () => {
    env.db = await freshDatabase();
    env.sidecar = await startTestSidecar(env.db.url, env.db.pool, overrides);
  });
  suite.after(async () => {
    await env.sidecar.close();
    await env.db.drop();
  });
  return env;
}
