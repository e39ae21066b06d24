import { STARTED_AT_ISO } from '../sql/history-sql.ts';
import type { UuidLiteral } from './uuid-literal.ts';

/**
 * COPY statements for the exports. COPY takes no bind parameters, so ids are inlined as
 * literals, which only uuidLiteral makes (uuid-literal.ts).
 *
 * JSON comes out of COPY as CSV with a quote and a delimiter that JSON text never
 * contains (json_build_object escapes every control character), so each row is exactly its
 * JSON text and a line feed, with no CSV quoting or COPY escaping to undo.
 */

export type ExportFormat = 'csv' | 'json';

const AS_CSV = "(FORMAT csv, HEADER true)";
const AS_JSON_LINES = "(FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')";
const ENDED_AT_ISO = `to_char(t.ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// A session's stable identity across accounts: the id it was first typed under. An import
// recognises a session it already has by it (server/db/import-files.ts).
const ORIGIN_ID = "coalesce(t.config->>'importedFrom', t.id::text)";

/**
 * A text cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a
 * carriage return: OWASP "CSV injection") gets a leading apostrophe, which spreadsheets
 * show as text. Only in CSV: the JSON export keeps every value exactly as typed.
 */
const csvText = (column: string) => `CASE WHEN ${column} ~ '^[-=+@\t\r]' THEN '''' || ${column} ELSE ${column} END`;

const figure = (path: string) => `(s.summary${path})::float8`;
const SESSION_COLUMNS: ReadonlyArray<[column: string, sql: string]> = [
  ['session_id', 't.id'], ['mode', csvText('t.mode')], ['started_at', STARTED_AT_ISO], ['ended_at', ENDED_AT_ISO], ['event_count', 't.event_count'],
  ['duration_ms', figure("->>'durationMs'")], ['keystrokes', "(s.summary->'counts'->>'keystrokes')::bigint"],
  ['character_keystrokes', "(s.summary->'counts'->>'characterKeystrokes')::bigint"],
  ['uncorrected_errors', "(s.summary->'counts'->>'uncorrectedErrors')::bigint"],
  ['cpm', figure("->'speed'->>'cpm'")], ['raw_wpm', figure("->'speed'->>'rawWpm'")], ['net_wpm', figure("->'speed'->>'netWpm'")],
  ['productive_wpm', figure("->'speed'->>'productiveWpm'")], ['keystroke_accuracy', figure("->'accuracy'->>'keystrokeAccuracy'")],
  ['first_try_accuracy', figure("->'accuracy'->>'firstTryAccuracy'")], ['consistency', figure("->'consistency'->>'speed'")],
  ['key_consistency', figure("->'consistency'->>'keys'")], ['dwell_mean_ms', figure("->'dwell'->>'meanMs'")],
  ['flight_mean_ms', figure("->'flight'->>'meanMs'")], ['transition_mean_ms', figure("->'transition'->>'meanMs'")],
  ['rollover_ratio', figure("->'rollover'->>'ratio'")], ['origin_id', ORIGIN_ID],
];

/** The user's sessions with their summary figures, oldest first (the cache must be fresh). */
export function sessionsExportSql(userLiteral: UuidLiteral, format: ExportFormat): string {
  const from = `FROM typing_sessions t JOIN session_summaries s ON s.session_id = t.id WHERE t.user_id = ${userLiteral} ORDER BY t.started_at, t.id`;
  if (format === 'csv') return `COPY (SELECT ${SESSION_COLUMNS.map(([c, sql]) => `${sql} AS ${c}`).join(', ')} ${from}) TO STDOUT ${AS_CSV}`;
  return `COPY (SELECT json_build_object('sessionId', t.id, 'originId', ${ORIGIN_ID}, 'mode', t.mode, 'startedAt', ${STARTED_AT_ISO}, 'endedAt', ${ENDED_AT_ISO},
    'eventCount', t.event_count, 'noKeystrokes', t.config ? 'noKeystrokes', 'summary', s.summary) ${from}) TO STDOUT ${AS_JSON_LINES}`;
}

const EVENT_CSV = `k.session_id, k.batch_seq, k.batch_idx, k.offset_us, k.event_type, ${csvText('k.key_code')} AS key_code, ${csvText('k.key_value')} AS key_value, k.text_pos, k.finger, k.is_error, k.flags`;
const EVENT_JSON = `json_build_object('sessionId', k.session_id, 'batchSeq', k.batch_seq, 'batchIdx', k.batch_idx, 'offsetUs', k.offset_us,
  'type', k.event_type, 'code', k.key_code, 'key', k.key_value, 'textPos', k.text_pos, 'finger', k.finger, 'isError', k.is_error, 'flags', k.flags)`;

/**
 * Raw events as stored, in arrival order (batch, index in batch): the primary key's order,
 * so the rows stream from the index without a sort however many there are. Sort by
 * (offset_us, batch_seq, batch_idx) for the order the analytics use.
 */
export function eventsExportSql(scope: { sessionLiteral: UuidLiteral } | { userLiteral: UuidLiteral }, format: ExportFormat): string {
  const select = format === 'csv' ? EVENT_CSV : EVENT_JSON;
  const query = 'sessionLiteral' in scope
    ? `SELECT ${select} FROM keystrokes k WHERE k.session_id = ${scope.sessionLiteral} ORDER BY k.batch_seq, k.batch_idx`
    // Sessions in order, each session's rows from its primary key: the final ORDER BY is
    // then an incremental sort of one session at a time, never of the whole export.
    : `SELECT ${select} FROM (SELECT id, started_at FROM typing_sessions WHERE user_id = ${scope.userLiteral} ORDER BY started_at, id) t
       CROSS JOIN LATERAL (SELECT * FROM keystrokes k WHERE k.session_id = t.id ORDER BY k.batch_seq, k.batch_idx) k
       ORDER BY t.started_at, t.id, k.batch_seq, k.batch_idx`;
  return `COPY (${query}) TO STDOUT ${format === 'csv' ? AS_CSV : AS_JSON_LINES}`;
}
