import type pg from 'pg';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import type { ImportedEvent } from './import-sessions.ts';
import { inTransaction } from './transaction.ts';
import { mergeKeystrokeRows, SESSION_STORED_TOTALS } from './keystroke-batch-merge.ts';
import { compactSessions } from './keystroke-compaction.ts';

/** A row of the sessions export (JSON). `originId` is absent in exports made before it existed. */
export interface ImportedSessionRow {
  sessionId: string;
  originId?: string | undefined;
  mode: 'timed' | 'words' | 'quote' | 'custom' | 'zen';
  startedAt: string;
  endedAt: string | null;
  eventCount: number;
}

export interface ImportFilesInput {
  sessions: readonly ImportedSessionRow[];
  /** The events file, grouped by the file's session id. */
  events: ReadonlyMap<string, readonly ImportedEvent[]>;
  /** Create sessions whose keystrokes are not in the files, marked `noKeystrokes`. */
  withoutKeystrokes: boolean;
}

export interface ImportReport {
  sessions: { added: number; alreadyPresent: number; withoutKeystrokes: number };
  events: { added: number; alreadyPresent: number };
  /** Events whose session is neither in the sessions file nor in the account: not imported. */
  orphanEvents: { sessions: number; events: number };
}

export type ImportOutcome = { ok: true; report: ImportReport } | { ok: false; missingEventsFor: number };

const EVENTS_PER_INSERT = 5_000;

/**
 * Imports a JSON export (the sessions file, the events file, or both) in ONE transaction:
 * either everything sent is stored or nothing is.
 *
 * Identity: a session is known by its origin, the id it was first typed under (its own id,
 * or `config.importedFrom` for an imported one). A session whose origin the account already
 * has is "already present" and never created twice, so importing your own export, or the
 * same files twice, adds nothing. Its missing events are still merged into its batches when it
 * is an imported session (a sessions-only import completed later by its events file); a
 * session typed in this account is never written to by an import.
 *
 * A new session that had keystrokes (eventCount > 0) but arrives without them is refused as a
 * whole import unless `withoutKeystrokes` asks for it; it is then stored with
 * `config.noKeystrokes`, cleared when its events are imported later.
 */
export async function importFiles(pool: pg.Pool, userId: string, input: ImportFilesInput): Promise<ImportOutcome> {
  return inTransaction(pool, async (client) => {
    // Two uploads of the same files at once must not both create the sessions.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`import:${userId}`]);
    const originOf = new Map(input.sessions.map((s) => [s.sessionId, s.originId ?? s.sessionId]));
    const eventFileIds = [...input.events.keys()];
    const origins = [...new Set([...originOf.values(), ...eventFileIds.filter((id) => !originOf.has(id))])];
    const present = await existingByOrigin(client, userId, origins);

    const missing = input.sessions.filter((s) => s.eventCount > 0 && !input.events.has(s.sessionId) && !present.has(originOf.get(s.sessionId)!));
    if (missing.length > 0 && !input.withoutKeystrokes) return { ok: false, missingEventsFor: missing.length };

    const report: ImportReport = { sessions: { added: 0, alreadyPresent: 0, withoutKeystrokes: 0 }, events: { added: 0, alreadyPresent: 0 }, orphanEvents: { sessions: 0, events: 0 } };
    const target = new Map<string, { id: string; writable: boolean }>(); // file session id -> where its events go
    for (const row of input.sessions) {
      const origin = originOf.get(row.sessionId)!;
      const found = present.get(origin);
      if (found) {
        report.sessions.alreadyPresent++;
        target.set(row.sessionId, { id: found.id, writable: found.imported });
        continue;
      }
      const noKeystrokes = !input.events.has(row.sessionId) && row.eventCount > 0;
      if (noKeystrokes) report.sessions.withoutKeystrokes++;
      const created = await client.query<{ id: string }>(
        'INSERT INTO typing_sessions (user_id, mode, config, started_at, ended_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [userId, row.mode, JSON.stringify({ importedFrom: origin, ...(noKeystrokes ? { noKeystrokes: true } : {}) }), row.startedAt, row.endedAt ?? row.startedAt],
      );
      report.sessions.added++;
      const id = created.rows[0]!.id;
      present.set(origin, { id, imported: true });
      target.set(row.sessionId, { id, writable: true });
    }

    for (const [fileId, events] of input.events) {
      const known = target.get(fileId) ?? (() => {
        const found = present.get(fileId);
        return found ? { id: found.id, writable: found.imported } : undefined;
      })();
      if (!known) {
        report.orphanEvents.sessions++;
        report.orphanEvents.events += events.length;
        continue;
      }
      const added = known.writable ? await insertEvents(client, known.id, events) : 0;
      report.events.added += added;
      report.events.alreadyPresent += events.length - added;
      if (added > 0) {
        await client.query(
          `UPDATE typing_sessions t SET event_count = k.n, committed_seq = k.seq, config = t.config - 'noKeystrokes', updated_at = now()
           FROM (${SESSION_STORED_TOTALS}) k WHERE t.id = $1`,
          [known.id],
        );
        await compactSessions(client, [known.id]); // an export holds a typist's small batches
      }
    }
    return { ok: true, report };
  });
}

interface PresentSession { id: string; imported: boolean }

/** The caller's sessions whose origin is one of `origins`, by origin. */
async function existingByOrigin(client: pg.PoolClient, userId: string, origins: readonly string[]): Promise<Map<string, PresentSession>> {
  const rows = await client.query<{ id: string; origin: string; imported: boolean }>(
    `SELECT id, coalesce(config->>'importedFrom', id::text) AS origin, config ? 'importedFrom' AS imported
       FROM typing_sessions
      WHERE user_id = $1 AND (id = ANY($2::uuid[]) OR config->>'importedFrom' = ANY($3::text[]))`,
    [userId, origins, origins],
  );
  return new Map(rows.rows.map((r) => [r.origin, { id: r.id, imported: r.imported }]));
}

/** Inserts a session's events, skipping those it has; returns how many were new. */
async function insertEvents(client: pg.PoolClient, sessionId: string, events: readonly ImportedEvent[]): Promise<number> {
  let added = 0;
  for (let at = 0; at < events.length; at += EVENTS_PER_INSERT) {
    const part = events.slice(at, at + EVENTS_PER_INSERT);
    added += await mergeKeystrokeRows(client, part.map((e) => ({ ...e, sessionId, finger: fingerOf(e.code) })));
  }
  return added;
}
