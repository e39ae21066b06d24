import pg from 'pg';
import { migrate } from '../../server/db/migrations.ts';
import { startTestPostgres, type TestPostgres } from '../../server/test/support/test-postgres.ts';
import { busyWarning, otherWorkCores } from './machine-busy.ts';

/** A bench's progress, on stderr: stdout holds its figures. */
export function say(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/**
 * How a bench starts: first a warning when other work is using the machine (figures from a
 * shared machine describe the sharing too: say so before they are read), then a cluster of
 * its own. `busy` is that warning, for the bench's report.
 */
export async function startBench(): Promise<{ busy: string | undefined; cluster: TestPostgres; url: string }> {
  const busy = busyWarning(await otherWorkCores());
  if (busy) say(`WARNING ${busy}`);
  return { busy, ...(await startBenchCluster(say)) };
}

/**
 * A throwaway PostgreSQL with durable settings (fsync and synchronous commit on, as in
 * production) and a migrated `ff_bench` database: every benchmark measures against one.
 */
export async function startBenchCluster(say: (line: string) => void): Promise<{ cluster: TestPostgres; url: string }> {
  say('starting PostgreSQL (durable settings: fsync on, synchronous_commit on)');
  const cluster = await startTestPostgres({ durable: true });
  // A bench stopped by Ctrl-C or a timeout must not leave its PostgreSQL running (a leaked
  // one keeps a core busy and makes every later figure on the machine lower).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping the bench's PostgreSQL`);
      void cluster.destroy().finally(() => process.exit(130));
    });
  }
  const admin = new pg.Client({ connectionString: cluster.server.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE ff_bench');
  await admin.end();
  const url = cluster.server.url('ff_bench');
  const migrator = new pg.Client({ connectionString: url });
  await migrator.connect();
  await migrate(migrator);
  await migrator.end();
  return { cluster, url };
}
