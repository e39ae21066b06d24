import type { Pool } from '../../db/pool.ts';
import type { StoredKeystroke } from '../../../shared/metrics/keystroke.ts';
import { mergeKeystrokeRows } from '../../db/keystroke-batch-merge.ts';
import { inTransaction } from '../../db/transaction.ts';

/** A user to own analytics test sessions. */
export async function createUser(pool: Pool, email = `a${Math.random().toString(36).slice(2)}@example.com`): Promise<string> {
  return (await pool.query<{ id: string }>('INSERT INTO users (email) VALUES ($1) RETURNING id', [email])).rows[0]!.id;
}

export interface StoredSessionInput {
  userId: string;
  practiceText: string;
  events: readonly StoredKeystroke[];
  startedAt?: Date;
  mode?: string;
  /** typing_sessions.config, e.g. { duration: 30 } for a timed test. */
  config?: Record<string, unknown>;
  ended?: boolean;
}

/**
 * Stores a session and its events as ingest would: into keystroke_batches, and
 * committed_seq / event_count advanced with them (the analytics cache keys on both).
 */
export async function storeSession(pool: Pool, input: StoredSessionInput): Promise<string> {
  const maxSeq = input.events.reduce((m, e) => Math.max(m, e.batchSeq), 0);
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO typing_sessions (user_id, mode, practice_text, started_at, ended_at, committed_seq, event_count, config)
     VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN $4::timestamptz + interval '1 minute' END, $6, $7, $8) RETURNING id`,
    [input.userId, input.mode ?? 'words', input.practiceText, input.startedAt ?? new Date(), input.ended ?? true, maxSeq, input.events.length, input.config ?? {}],
  );
  const sessionId = rows[0]!.id;
  await copyEvents(pool, sessionId, input.events);
  return sessionId;
}

export async function copyEvents(pool: Pool, sessionId: string, events: readonly StoredKeystroke[]): Promise<void> {
  // Generated streams may leave gaps in a batch's indexes; the merge keeps them as they are.
  await inTransaction(pool, async (client) => {
    for (let at = 0; at < events.length; at += 20_000) {
      await mergeKeystrokeRows(client, events.slice(at, at + 20_000).map((e) => ({ ...e, sessionId })));
    }
  });
}
