import type { Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';
import { isAlive } from '../runtime/instance-lock.ts';
import { DataDirInUseError, EmbeddedPostgres } from './embedded/embedded-postgres.ts';
import { ensureDatabase } from './ensure-database.ts';

export interface OpenedDatabase {
  url: string;
  embedded?: EmbeddedPostgres;
}

const DATABASE_NAME = 'fingerflow';

/**
 * The database FingerFlow uses: DATABASE_URL when set, otherwise an embedded PostgreSQL 15
 * whose cluster lives in the data folder. An embedded server orphaned by an earlier run that
 * was killed (-9) is stopped and taken over; one still owned by a live process is an error.
 */
export async function openDatabase(config: Config, log: Logger, options: { previousOwnerPid?: number } = {}): Promise<OpenedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = new EmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    onLog: (line) => log.debug({ event: 'postgres_log', line }, line),
  });
  let started: { initialised: boolean; relocated: boolean };
  try {
    started = await embedded.start();
  } catch (error) {
    if (!(error instanceof DataDirInUseError) || options.previousOwnerPid === undefined) throw error;
    log.warn({ event: 'embedded_pg_orphan_stopped', pid: error.pid, previousOwnerPid: options.previousOwnerPid }, 'stopping the PostgreSQL left running by an earlier run');
    await stopOrphan(error.pid);
    started = await embedded.start();
  }
  log.info({ event: 'embedded_pg_started', version: embedded.version, port: config.embeddedPgPort, dataDir: embedded.dataDirectory, initialised: started.initialised, relocated: started.relocated }, 'embedded PostgreSQL started');
  try {
    if (await ensureDatabase(embedded.url(), DATABASE_NAME)) log.info({ event: 'database_created', database: DATABASE_NAME }, 'database created');
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url(DATABASE_NAME), embedded };
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!isAlive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGQUIT');
}
