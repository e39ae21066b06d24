import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { encodeBatchRows, keystrokeCopyData, keystrokeCopySql } from './keystroke-rows.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';

// The packed binary COPY encoder against PostgreSQL's array reader, with every character a key
// value may hold (NUL is refused by the protocol before it gets here).

let db: TestDatabase;
test.before(async () => {
  db = await freshDatabase();
});
test.after(async () => {
  await db.drop();
});

const TRICKY = ['"', '\\', '{', '}', ',', ' ', 'NULL', 'null', '', 'a,b', '{"x"}', '\\"', '\t', '\n', '\r', '\u0001', 'é', 'ß', '🙂', '"\\{,}'];
const ALL = 'SELECT session_id, batch_seq, batch_idx, offset_us::text, event_type, key_code, key_value, text_pos, finger, is_error, flags FROM keystrokes WHERE session_id = $1 ORDER BY batch_seq, batch_idx';

async function copy(...rows: Uint8Array[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await pipeline(Readable.from([keystrokeCopyData(rows)]), client.query(copyFrom(keystrokeCopySql())));
  } finally {
    client.release();
  }
}

test('a batch COPYed by the ingest encoder reads back event for event, whatever the key values hold', async () => {
  const session = randomUUID();
  const events: KeyEvent[] = TRICKY.map((key, i) => ({ type: (i % 2) as 0 | 1, code: i % 3 ? `Key${key}` : 'Digit1', key, offsetUs: 2 ** 40 + i, textPos: i - 1, isError: i % 4 === 0, flags: i * 3 }));
  const fingers = Uint8Array.from(events.map((_, i) => i % 11));
  await copy(encodeBatchRows(session, 1, events, fingers), encodeBatchRows(session, 2, [], fingers), encodeBatchRows(session, 3, events.slice(0, 1), fingers));
  const stored = (await db.pool.query(ALL, [session])).rows;
  const expected = [...events.map((e, i) => [1, i, e, fingers[i]] as const), [3, 0, events[0]!, fingers[0]] as const].map(([seq, idx, e, finger]) => ({
    session_id: session, batch_seq: seq, batch_idx: idx, offset_us: String(e.offsetUs), event_type: e.type, key_code: e.code, key_value: e.key,
    text_pos: e.textPos, finger, is_error: e.isError, flags: e.flags,
  }));
  assert.equal(stored, expected);
  const batches = (await db.pool.query<{ n: number; idx: null }>('SELECT cardinality(offset_us) AS n, batch_idx AS idx FROM keystroke_batches WHERE session_id = $1 ORDER BY batch_seq', [session])).rows;
  assert.equal(batches, [{ n: TRICKY.length, idx: null }, { n: 1, idx: null }], 'one row per batch; an empty batch stores none');
});

test('the extremes the protocol allows are stored exactly (2^53-1, 2^31-1, 255, 32 non-ASCII chars)', async () => {
  const session = randomUUID();
  const events: KeyEvent[] = [
    { type: 0, code: 'K'.repeat(32), key: '🙂'.repeat(16), offsetUs: 0, textPos: -1, isError: false, flags: 0 },
    { type: 1, code: 'é'.repeat(32), key: '\ud800', offsetUs: Number.MAX_SAFE_INTEGER, textPos: 2 ** 31 - 1, isError: true, flags: 255 },
  ];
  await copy(encodeBatchRows(session, 2 ** 31 - 1, events, Uint8Array.of(0, 10)));
  const stored = (await db.pool.query(ALL, [session])).rows;
  assert.equal(stored.map((r) => [r.batch_seq, r.offset_us, r.key_code, r.key_value, r.text_pos, r.is_error, r.flags, r.finger]), [
    [2 ** 31 - 1, '0', 'K'.repeat(32), '🙂'.repeat(16), -1, false, 0, 0],
    [2 ** 31 - 1, String(Number.MAX_SAFE_INTEGER), 'é'.repeat(32), '\ufffd', 2 ** 31 - 1, true, 255, 10],
  ]);
});

test('the primary key refuses a batch stored twice', async () => {
  const session = randomUUID();
  const events: KeyEvent[] = [{ type: 0, code: 'KeyA', key: 'a', offsetUs: 0, textPos: 0, isError: false, flags: 0 }];
  await copy(encodeBatchRows(session, 1, events, Uint8Array.of(0)));
  try {
    await copy(encodeBatchRows(session, 1, events, Uint8Array.of(0)));
    assert.unreachable('a batch was stored twice');
  } catch (error) {
    assert.is((error as { code?: string }).code, '23505');
  }
});

test.run();
