import type { KeyEvent } from '../../shared/protocol/key-event.ts';

/**
 * Replaying recorded typing. A log is either
 * - TSV with a header line `down_ms	up_ms	code	key` and optional `text_pos	is_error`
 *   columns, one keystroke per line (times in milliseconds from the start, up_ms may be
 *   empty for a key whose release was not recorded), or
 * - JSON: an array of `{ "downMs", "upMs"?, "code", "key", "textPos"?, "isError"? }`.
 * Each keystroke becomes a keydown and (when known) a keyup; the log repeats, shifted in time,
 * for as long as the run lasts.
 */
export interface RecordedKey {
  downMs: number;
  upMs?: number;
  code: string;
  key: string;
  textPos: number;
  isError: boolean;
}

export function parseKeystrokeLog(text: string, format: 'tsv' | 'json'): RecordedKey[] {
  const keys = format === 'json' ? fromJson(text) : fromTsv(text);
  if (keys.length === 0) throw new Error('the keystroke log holds no keystrokes');
  return keys.sort((a, b) => a.downMs - b.downMs);
}

function fromJson(text: string): RecordedKey[] {
  const data = JSON.parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error('a JSON keystroke log is an array of keystrokes');
  return data.map((item, i) => {
    const k = item as Record<string, unknown>;
    if (typeof k.downMs !== 'number' || typeof k.code !== 'string' || typeof k.key !== 'string') throw new Error(`keystroke ${i}: downMs (number), code and key (strings) are required`);
    return { downMs: k.downMs, upMs: typeof k.upMs === 'number' ? k.upMs : undefined, code: k.code, key: k.key, textPos: typeof k.textPos === 'number' ? k.textPos : -1, isError: k.isError === true };
  });
}

function fromTsv(text: string): RecordedKey[] {
  const [header = '', ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = header.split('\t').map((c) => c.trim());
  const at = (name: string) => columns.indexOf(name);
  if (at('down_ms') < 0 || at('code') < 0 || at('key') < 0) throw new Error('a TSV keystroke log starts with the header: down_ms, up_ms, code, key [, text_pos, is_error]');
  return lines.map((line, i) => {
    const cells = line.split('\t');
    const down = Number(cells[at('down_ms')]);
    const upCell = at('up_ms') >= 0 ? cells[at('up_ms')] : '';
    if (!Number.isFinite(down)) throw new Error(`line ${i + 2}: down_ms is not a number`);
    return {
      downMs: down,
      upMs: upCell ? Number(upCell) : undefined,
      code: cells[at('code')] ?? '',
      key: (cells[at('key')] ?? '').replace('\\t', '\t'),
      textPos: at('text_pos') >= 0 ? Number(cells[at('text_pos')] ?? -1) : -1,
      isError: at('is_error') >= 0 ? /^(1|true)$/i.test(cells[at('is_error')] ?? '') : false,
    };
  });
}

/** The recorded keystrokes as an endless event stream, like TypistScript. */
export class ReplayScript {
  private readonly pending: KeyEvent[] = [];
  private loop = 0;
  private readonly spanMs: number;

  constructor(private readonly keys: readonly RecordedKey[]) {
    const last = keys[keys.length - 1]!;
    this.spanMs = Math.max(last.upMs ?? last.downMs, last.downMs) - keys[0]!.downMs + 500;
  }

  take(untilMs: number): KeyEvent[] {
    while (this.loop * this.spanMs <= untilMs + this.spanMs) this.queueLoop();
    const due: KeyEvent[] = [];
    while (this.pending.length && this.pending[0]!.offsetUs <= untilMs * 1000) due.push(this.pending.shift()!);
    return due;
  }

  private queueLoop(): void {
    const shift = this.loop * this.spanMs - this.keys[0]!.downMs;
    const events: KeyEvent[] = [];
    for (const k of this.keys) {
      events.push({ type: 0, code: k.code, key: k.key, offsetUs: Math.round((k.downMs + shift) * 1000), textPos: k.textPos, isError: k.isError, flags: 0 });
      if (k.upMs !== undefined) events.push({ type: 1, code: k.code, key: k.key, offsetUs: Math.round((k.upMs + shift) * 1000), textPos: k.textPos, isError: k.isError, flags: 0 });
    }
    events.sort((a, b) => a.offsetUs - b.offsetUs);
    this.pending.push(...events);
    this.loop++;
  }
}
