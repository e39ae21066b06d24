import type { Logger } from '../obs/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { AnalyticsRefreshQueue } from '../analytics/index.ts';
import { IDLE_MINUTES, sessionsToCompact, type SettledScope } from '../db/keystroke-compaction.ts';

// The ingest server looks for settled sessions whose rows are still small and hands them to
// its background queue (analytics, then compaction), in the background: serving typists
// never waits for a sweep. An ended session is queued as it ends; these sweeps find the rest.

/** How far back a server looks on start; older leftovers are `make compact`'s. */
const START_WINDOW_MINUTES = 48 * 60;
const LIMIT = 50_000;
/** How often a server looks for sessions that went idle. */
export const IDLE_SWEEP_EVERY_MS = 15 * 60_000;

export interface CompactionSweeps {
  stop(): void;
}

/**
 * On start: sessions that ended or went idle in the last 48 h (the queue lives in memory, so
 * a deploy or a crash dropped what it held). Then every `everyMs`: sessions left open that
 * went idle since about the sweep before, each found by two sweeps at most, so a session is
 * probed a couple of times instead of every sweep for two days. Several servers sweep the
 * same sessions; compaction is locked per session, and the second finds nothing to merge.
 */
export function startCompactionSweeps(refresher: { queue: AnalyticsRefreshQueue; pool: Pool }, log: Logger, options: { everyMs: number }): CompactionSweeps {
  let running = false;
  const sweep = async (reason: 'start' | 'idle', scope: SettledScope): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const sessionIds = await sessionsToCompact(refresher.pool, scope);
      for (const id of sessionIds) refresher.queue.add(id);
      if (sessionIds.length > 0) log.info({ event: 'keystroke_compaction_sweep', reason, sessions: sessionIds.length }, 'settled sessions not yet compacted were queued');
    } catch (error) {
      log.warn({ event: 'keystroke_compaction_sweep_failed', reason, err: error }, 'could not look for settled sessions to compact; the next sweep tries again');
    } finally {
      running = false;
    }
  };
  void sweep('start', { withinMinutes: START_WINDOW_MINUTES, limit: LIMIT });
  // Two intervals back, and never under 15 minutes: a sweep that was late or failed is
  // covered by the next one.
  const idleWindow = IDLE_MINUTES + Math.max(15, Math.ceil((2 * options.everyMs) / 60_000));
  const timer = setInterval(() => void sweep('idle', { idleOnly: true, withinMinutes: idleWindow, limit: LIMIT }), options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
