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
 * Settings for a write-heavy keystroke store; production's PostgreSQL gets the same
 * (docker-compose.prod.yml). With the defaults (128 MB of shared buffers, a background
 * writer cleaning at most 500 pages a second, while 5,000 typists dirty ~750) the
 * keystrokes table outgrew the buffers half-way through a 5,000-typist run and the flushing
 * backends wrote 104,426 pages out themselves; with these, 32,768 (COPY's own ring buffer).
 * A larger max_wal_size keeps bursts from forcing checkpoints.
 */
export const INGEST_POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '512MB',
  bgwriter_delay: '20ms',
  bgwriter_lru_maxpages: '1000',
  bgwriter_lru_multiplier: '4',
  max_wal_size: '4GB',
  // No query may fill the disk with temp files (issue 15: two analytics statements once wrote
  // ~78 GB): past this, PostgreSQL cancels the statement. A real report needs a few MB.
  temp_file_limit: '2GB',
};

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
    settings: { ...INGEST_POSTGRES_SETTINGS },
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
