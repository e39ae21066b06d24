import type { SessionRow, SessionSummaryRow } from '../db/typing-sessions.ts';

/** A session as the list shows it: no practice text (up to 20,000 characters each). */
export function sessionSummaryJson(row: SessionSummaryRow) {
  return {
    id: row.id,
    mode: row.mode,
    config: row.config,
    practiceTextLength: row.practice_text_length,
    wordSetId: row.word_set_id,
    keyboardLayout: row.keyboard_layout,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    eventCount: row.event_count,
    durationMs: row.duration_ms,
    wpm: row.wpm,
    rawWpm: row.raw_wpm,
    accuracy: row.accuracy,
    complete: row.complete,
  };
}

/**
 * One session in full. Its figures are in GET /api/sessions/:id/analytics; the
 * typing_sessions.summary column is never written, so it is not part of the answer.
 */
export function sessionJson(row: SessionRow) {
  return { ...sessionSummaryJson(row), practiceText: row.practice_text, committedSeq: row.committed_seq };
}
