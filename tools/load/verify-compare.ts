import type { StoredBatch, StoredSessionSummary } from './sidecar-api.ts';

export interface StoredCheck {
  stored: number;
  lost: number;
  duplicates: number;
}

/** What a client sent, batch by batch, and how far it was acknowledged. */
export interface SentSession {
  sessionId: string;
  ackedSeq: number;
  batches: ReadonlyMap<number, { count: number; offsetSum: number }>;
}

/**
 * Compares stored batches with what each client sent (event count and the sum of offsets as
 * a checksum). Lost = events of acknowledged batches that are not there; duplicates = rows
 * beyond what was sent: a batch stored twice under two sequence numbers, or rows in a batch
 * the client never sent.
 */
export function compareBatches(sent: readonly SentSession[], rows: readonly StoredBatch[]): StoredCheck {
  const bySession = new Map(sent.map((c) => [c.sessionId, c]));
  let stored = 0;
  let lost = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  for (const row of rows) {
    stored += row.events;
    const client = bySession.get(row.sessionId);
    const batch = client?.batches.get(row.batchSeq);
    seen.add(`${row.sessionId}:${row.batchSeq}`);
    if (!batch) {
      duplicates += row.events;
    } else if (row.events !== batch.count || BigInt(row.offsetSum) !== BigInt(batch.offsetSum)) {
      // Stored rows that are not the batch that was sent under this number: they are
      // foreign (duplicates of something else), and the batch itself is missing.
      duplicates += row.events;
      if (row.batchSeq <= (client?.ackedSeq ?? 0)) lost += batch.count;
    }
  }
  for (const client of sent) {
    for (const [seq, batch] of client.batches) {
      if (seq <= client.ackedSeq && !seen.has(`${client.sessionId}:${seq}`)) lost += batch.count;
    }
  }
  return { stored, lost, duplicates };
}

/**
 * The sessions whose stored digest is exactly what the client sent up to the server's
 * committed seq, with nothing acknowledged beyond it: they need no batch-by-batch look.
 * Everything else (and any session the server did not report) is checked in detail.
 */
export function sessionsNeedingDetail(sent: readonly SentSession[], summaries: readonly StoredSessionSummary[]): { clean: StoredCheck; suspect: string[] } {
  const byId = new Map(summaries.map((s) => [s.sessionId, s]));
  const clean: StoredCheck = { stored: 0, lost: 0, duplicates: 0 };
  const suspect: string[] = [];
  for (const client of sent) {
    const summary = byId.get(client.sessionId);
    if (!summary || client.ackedSeq > summary.committedSeq) {
      suspect.push(client.sessionId);
      continue;
    }
    let events = 0;
    let batches = 0;
    let offsetSum = 0n;
    for (const [seq, batch] of client.batches) {
      if (seq > summary.committedSeq) continue;
      events += batch.count;
      batches++;
      offsetSum += BigInt(batch.offsetSum);
    }
    if (events === summary.events && batches === summary.batches && offsetSum === BigInt(summary.offsetSum)) clean.stored += events;
    else suspect.push(client.sessionId);
  }
  return { clean, suspect };
}

export function addChecks(a: StoredCheck, b: StoredCheck): StoredCheck {
  return { stored: a.stored + b.stored, lost: a.lost + b.lost, duplicates: a.duplicates + b.duplicates };
}
