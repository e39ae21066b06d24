import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { MAX_CODE_CHARS, MAX_KEY_CHARS } from '../../../shared/protocol/limits.ts';

/**
 * Recorded typing to replay, in any of the formats docs/LOAD-TESTING.md describes:
 * - `tsv`: header `down_ms	up_ms	code	key` [`	text_pos	is_error`], one keystroke a line;
 * - `json`: an array of `{ "downMs", "upMs"?, "code", "key", "textPos"?, "isError"? }`;
 * - `export-json`: the app's own event export (GET /api/export/.../events.json), one JSON
 *   object a line with `offsetUs`, `type`, `code`, `key`, `textPos`, `isError`, `flags`;
 * - `export-csv`: the same as CSV (events.csv), header `session_id,batch_seq,...`.
 * A bad line is an error naming the line, never a silent stall or a skipped keystroke.
 */
export interface ReplayLog {
  format: ReplayFormat;
  /** Every keydown and keyup, sorted, the first at offset 0. */
  events: KeyEvent[];
  /** How long one pass lasts (last event + 500 ms): the log repeats after it. */
  spanMs: number;
}

export type ReplayFormat = 'tsv' | 'json' | 'export-json' | 'export-csv';

export class ReplayError extends Error {
  constructor(readonly line: number | undefined, message: string) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ReplayError';
  }
}

export function detectFormat(text: string): ReplayFormat {
  const head = text.trimStart();
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) return 'export-json';
  const header = head.split(/\r?\n/, 1)[0] ?? '';
  if (header.includes('\t')) return 'tsv';
  if (/^session_id,batch_seq,/.test(header)) return 'export-csv';
  throw new ReplayError(1, 'not a keystroke log: expected a TSV header (down_ms<TAB>up_ms<TAB>code<TAB>key), a JSON array, or the app\'s events.json / events.csv export');
}

export function parseReplayLog(text: string, format: ReplayFormat = detectFormat(text)): ReplayLog {
  const raw = format === 'tsv' ? fromTsv(text) : format === 'json' ? fromJsonArray(text) : format === 'export-json' ? fromExportJson(text) : fromExportCsv(text);
  if (raw.length === 0) throw new ReplayError(undefined, 'the keystroke log holds no keystrokes');
  raw.sort((a, b) => a.offsetUs - b.offsetUs);
  const first = raw[0]!.offsetUs;
  const events = raw.map((e) => ({ ...e, offsetUs: e.offsetUs - first }));
  return { format, events, spanMs: events[events.length - 1]!.offsetUs / 1000 + 500 };
}

function event(line: number, type: 0 | 1, offsetMs: number, code: unknown, key: unknown, textPos: unknown, isError: boolean, flags = 0): KeyEvent {
  if (!Number.isFinite(offsetMs) || offsetMs < 0) throw new ReplayError(line, `the time must be a number of milliseconds >= 0, got "${offsetMs}"`);
  if (typeof code !== 'string' || code === '' || code.length > MAX_CODE_CHARS) throw new ReplayError(line, `code must be a KeyboardEvent.code of 1-${MAX_CODE_CHARS} characters`);
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_CHARS) throw new ReplayError(line, `key must be a KeyboardEvent.key of 1-${MAX_KEY_CHARS} characters`);
  const pos = textPos === undefined || textPos === '' ? -1 : Number(textPos);
  if (!Number.isInteger(pos) || pos < -1) throw new ReplayError(line, `text_pos must be a whole number >= -1, got "${String(textPos)}"`);
  if (!Number.isInteger(flags) || flags < 0 || flags > 255) throw new ReplayError(line, `flags must be 0-255, got "${flags}"`);
  return { type, code, key, offsetUs: Math.round(offsetMs * 1000), textPos: pos, isError, flags };
}

function fromTsv(text: string): KeyEvent[] {
  const lines = text.split(/\r?\n/);
  const columns = (lines[0] ?? '').split('\t').map((c) => c.trim());
  const at = (name: string) => columns.indexOf(name);
  if (at('down_ms') < 0 || at('code') < 0 || at('key') < 0) throw new ReplayError(1, 'a TSV keystroke log starts with the header: down_ms, up_ms, code, key [, text_pos, is_error] (tab-separated)');
  const out: KeyEvent[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const n = i + 2;
    const cells = line.split('\t');
    if (cells.length < columns.length) throw new ReplayError(n, `${cells.length} cells, the header has ${columns.length}`);
    const cell = (name: string) => (at(name) >= 0 ? cells[at(name)]! : '');
    const down = Number(cell('down_ms') === '' ? NaN : cell('down_ms'));
    if (!Number.isFinite(down)) throw new ReplayError(n, `down_ms must be a number of milliseconds, got "${cell('down_ms')}"`);
    const upText = cell('up_ms');
    const key = cell('key').replace('\\t', '\t');
    const isError = /^(1|true)$/i.test(cell('is_error'));
    out.push(event(n, 0, down, cell('code'), key, cell('text_pos'), isError));
    if (upText !== '') {
      const up = Number(upText);
      if (!(up >= down)) throw new ReplayError(n, `up_ms (${upText}) must be a number not before down_ms (${cell('down_ms')})`);
      out.push(event(n, 1, up, cell('code'), key, cell('text_pos'), isError));
    }
  });
  return out;
}

function fromJsonArray(text: string): KeyEvent[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReplayError(undefined, `not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new ReplayError(undefined, 'a JSON keystroke log is an array of keystrokes');
  return data.flatMap((item: Record<string, unknown>, i) => {
    const where = `keystroke ${i}`;
    if (typeof item !== 'object' || item === null || typeof item.downMs !== 'number') throw new ReplayError(undefined, `${where}: downMs (a number) is required`);
    try {
      const down = event(0, 0, item.downMs, item.code, item.key, item.textPos, item.isError === true);
      if (item.upMs === undefined) return [down];
      if (typeof item.upMs !== 'number' || item.upMs < item.downMs) throw new ReplayError(undefined, 'upMs must be a number not before downMs');
      return [down, event(0, 1, item.upMs, item.code, item.key, item.textPos, item.isError === true)];
    } catch (error) {
      throw new ReplayError(undefined, `${where}: ${(error as Error).message.replace(/^line 0: /, '')}`);
    }
  });
}

function fromExportJson(text: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new ReplayError(i + 1, 'not a JSON object (events.json has one event a line)');
    }
    if (row.type !== 0 && row.type !== 1) throw new ReplayError(i + 1, 'type must be 0 (keydown) or 1 (keyup)');
    out.push(event(i + 1, row.type, Number(row.offsetUs) / 1000, row.code, row.key, row.textPos, row.isError === true, Number(row.flags ?? 0)));
  });
  return out;
}

function fromExportCsv(text: string): KeyEvent[] {
  const lines = text.split(/\r?\n/);
  const columns = parseCsvLine(lines[0]!);
  const at = (name: string) => columns.indexOf(name);
  for (const name of ['offset_us', 'event_type', 'key_code', 'key_value']) if (at(name) < 0) throw new ReplayError(1, `the CSV export has no ${name} column`);
  const out: KeyEvent[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const n = i + 2;
    const cells = parseCsvLine(line);
    const type = Number(cells[at('event_type')]);
    if (type !== 0 && type !== 1) throw new ReplayError(n, 'event_type must be 0 or 1');
    out.push(event(n, type, Number(cells[at('offset_us')]) / 1000, cells[at('key_code')], cells[at('key_value')], cells[at('text_pos')], cells[at('is_error')] === 't' || cells[at('is_error')] === 'true', Number(cells[at('flags')] ?? 0)));
  });
  return out;
}

/** One CSV line as PostgreSQL's COPY writes it (quotes around cells with commas or quotes). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
