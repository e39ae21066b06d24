import { IMPORT_MAX_BYTES } from '../../../shared/api/import-limits.ts';

/** A file the typist chose, read as text. */
export interface ChosenFile {
  name: string;
  text: string;
}

/** The body of POST /api/import/files. */
export interface ImportRequest {
  sessions: { sessionId: string; originId?: string; mode: string; startedAt: string; endedAt: string | null; eventCount: number }[];
  events: Record<string, unknown>[];
  withoutKeystrokes?: boolean;
}

export type ImportPlan = { ok: true; request: ImportRequest; files: string } | { ok: false; reason: string };

export const IMPORT_LIMIT_TEXT = `${IMPORT_MAX_BYTES / 1024 / 1024} MB per import (about 200,000 keystrokes)`;

const MONKEYTYPE_COLUMNS = ['_id', 'wpm', 'acc', 'consistency'];

/**
 * Turns the chosen files into one import request, or says plainly why not. Each row is
 * recognised by its fields (an event has `batchSeq`), so the files may come in any order.
 */
export function planImport(chosen: readonly ChosenFile[]): ImportPlan {
  const total = chosen.reduce((n, f) => n + f.text.length, 0);
  if (total > IMPORT_MAX_BYTES) {
    return { ok: false, reason: `These files hold ${(total / 1024 / 1024).toFixed(1)} MB; an import takes at most ${IMPORT_LIMIT_TEXT}. Import an older and a newer part of your history separately (each session's events with its sessions).` };
  }
  const request: ImportRequest = { sessions: [], events: [] };
  for (const file of chosen) {
    if (isMonkeytypeCsv(file.text)) {
      return { ok: false, reason: `${file.name} is Monkeytype's results CSV. It is not imported: it holds only each test's totals (WPM, accuracy, consistency), while every FingerFlow figure, WPM included, is computed from the individual keystrokes. Those tests would appear as empty sessions and pull your trends towards numbers measured another way.` };
    }
    let rows: unknown;
    try {
      rows = JSON.parse(file.text);
    } catch {
      return { ok: false, reason: `${file.name} is not JSON. Choose the sessions and events files of a FingerFlow JSON export.` };
    }
    if (!Array.isArray(rows)) return { ok: false, reason: `${file.name} is not a FingerFlow JSON export (expected a list of rows).` };
    for (const row of rows as Record<string, unknown>[]) {
      if (typeof row !== 'object' || row === null || typeof row.sessionId !== 'string') return { ok: false, reason: `${file.name} is not a FingerFlow JSON export (a row has no sessionId).` };
      if ('batchSeq' in row) request.events.push(row);
      else {
        // Only the fields the import takes; the server checks each of them.
        const { sessionId, originId, mode, startedAt, endedAt, eventCount } = row as { sessionId: string; originId?: string; mode: string; startedAt: string; endedAt?: string | null; eventCount?: number };
        request.sessions.push({ sessionId, ...(originId ? { originId } : {}), mode, startedAt, endedAt: endedAt ?? null, eventCount: eventCount ?? 0 });
      }
    }
  }
  if (request.sessions.length === 0 && request.events.length === 0) return { ok: false, reason: 'These files hold no sessions and no events.' };
  return { ok: true, request, files: chosen.map((f) => f.name).join(', ') };
}

function isMonkeytypeCsv(text: string): boolean {
  const header = text.slice(0, 4096).split('\n')[0]!.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  return MONKEYTYPE_COLUMNS.every((c) => header.includes(c));
}

/** The server's answer (db/import-files.ts ImportReport). */
export interface ImportReport {
  sessions: { added: number; alreadyPresent: number; withoutKeystrokes: number };
  events: { added: number; alreadyPresent: number };
  orphanEvents: { sessions: number; events: number };
}

/** The report in a sentence or two, e.g. "0 new, 8 already present". */
export function reportText(report: ImportReport): string {
  const { sessions, events, orphanEvents } = report;
  const parts = [`Sessions: ${sessions.added} new, ${sessions.alreadyPresent} already present.`, `Keystroke events: ${events.added} new, ${events.alreadyPresent} already present.`];
  if (sessions.withoutKeystrokes > 0) parts.push(`${sessions.withoutKeystrokes} sessions were imported without keystrokes (marked "no keystrokes").`);
  if (orphanEvents.events > 0) parts.push(`${orphanEvents.events} events of ${orphanEvents.sessions} sessions were not imported: their sessions are neither in the sessions file nor in your account.`);
  return parts.join(' ');
}
