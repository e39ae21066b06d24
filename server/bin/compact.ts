// `npm run compact` / `make compact`: merges the small keystroke rows of every settled session
// that still holds them: ended, or left open with nothing stored for an hour (migrations 0013
// and 0015, sql/SCHEMA.md "Compaction"). The servers do this as sessions end or go idle, and
// on start for the last 48 hours; this is for what is older, e.g. after servers were down
// for days. `--check` only counts. Safe beside running servers: each
// session is compacted under its own row lock, and a compacted one is skipped.
import { configFromProcess } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { compactSessions, sessionsToCompact } from '../db/keystroke-compaction.ts';
import { connectForCommand, REPO_ROOT } from './command-database.ts';
import { failStart } from './fail.ts';

const args = process.argv.slice(2);
if (args.some((a) => a !== '--check')) {
  console.error('usage: compact.ts [--check]   (DATABASE_URL, or the embedded database of the data folder)');
  process.exit(2);
}
const PROGRESS_EVERY_MS = 5000;

try {
  const config = configFromProcess({ cwd: REPO_ROOT });
  const log = createLogger({ level: config.logLevel, service: 'fingerflow-compact' });
  const database = await connectForCommand(config, log);
  try {
    const sessionIds = await sessionsToCompact(database.client, { limit: 10_000_000 });
    if (args.includes('--check')) {
      log.info({ event: 'keystroke_compaction_checked', sessions: sessionIds.length }, `${sessionIds.length} settled sessions hold small keystroke rows`);
    } else {
      const started = Date.now();
      let reported = started;
      let rowsMerged = 0;
      for (const [i, id] of sessionIds.entries()) {
        rowsMerged += await compactSessions(database.client, [id]);
        if (Date.now() - reported >= PROGRESS_EVERY_MS) {
          reported = Date.now();
          log.info({ event: 'keystroke_compaction_progress', done: i + 1, total: sessionIds.length, rowsMerged }, `compacted ${i + 1} of ${sessionIds.length} sessions`);
        }
      }
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      log.info({ event: 'keystroke_compaction_complete', sessions: sessionIds.length, rowsMerged, seconds }, `compacted ${sessionIds.length} sessions, ${rowsMerged} rows merged away`);
    }
  } finally {
    await database.close();
  }
} catch (error) {
  failStart(error, 'compact');
}
