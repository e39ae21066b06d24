import type pg from 'pg';

// The SQL of the dictionary trial (key-dictionary.ts): the dictionary, its decoding, and the
// two layouts of each row shape with a view that returns today's columns.

export type Shape = 'live' | 'rows64' | 'compacted';

/** How many names a static dictionary would hold: every KeyboardEvent.code and the usual key values. */
const DICTIONARY_SIZE = 300;

/**
 * The names, most frequent first (a static dictionary would list letters, space, Shift and
 * Backspace first too: a lookup walks the array to its id), padded to a realistic size. The
 * bench's typing holds only names in it; a real one would keep the rare others in a per-row
 * text array, a NULL column (one bit) in every row that needs none.
 */
export const DICTIONARY_SQL = [
  `CREATE TABLE trial_names AS
     SELECT (row_number() OVER (ORDER BY n DESC, name))::smallint AS id, name FROM (
       SELECT name, count(*) AS n FROM (SELECT key_code AS name FROM keystrokes UNION ALL SELECT key_value FROM keystrokes) k GROUP BY name) f`,
  `INSERT INTO trial_names SELECT (SELECT max(id) FROM trial_names) + g, 'Unused' || g
     FROM generate_series(1, greatest(0, ${DICTIONARY_SIZE} - (SELECT count(*) FROM trial_names))::int) g`,
  'CREATE UNIQUE INDEX ON trial_names (name)',
];

/** Decoding: an id to its name by subscript of a constant array, inlined into the view. */
export async function dictionaryFunctionSql(db: pg.ClientBase): Promise<string[]> {
  const names = (await db.query<{ name: string }>('SELECT name FROM trial_names ORDER BY id')).rows.map((r) => db.escapeLiteral(r.name));
  return [
    `CREATE FUNCTION trial_key_name(id smallint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
       SELECT (ARRAY[${names.join(',')}]::text[])[id] $f$`,
    // keystroke_batch_events (migration 0013) with the two columns decoded.
    `CREATE FUNCTION trial_batch_events(p_batch_seq integer, p_offset_us bigint[], p_key_code smallint[], p_key_value smallint[],
                                        p_text_pos integer[], p_event_bits smallint[], p_batch_idx smallint[], p_seq_delta smallint[])
     RETURNS TABLE (batch_seq integer, batch_idx smallint, offset_us bigint, event_type smallint, key_code text, key_value text,
                    text_pos integer, finger smallint, is_error boolean, flags smallint, event_bits smallint)
     LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
       SELECT p_batch_seq + coalesce(e.delta, 0), coalesce(e.idx, e.n - 1)::smallint, e.offset_us, (e.bits & 1)::smallint,
              trial_key_name(e.key_code), trial_key_name(e.key_value), e.text_pos, ((e.bits >> 2) & 15)::smallint, (e.bits & 2) <> 0,
              (e.bits >> 6)::smallint, e.bits
         FROM unnest(p_offset_us, p_key_code, p_key_value, p_text_pos, p_event_bits, p_batch_idx, p_seq_delta)
              WITH ORDINALITY AS e(offset_us, key_code, key_value, text_pos, bits, idx, delta, n) $f$`,
  ];
}

const COLUMNS = 'session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits, batch_idx, seq_delta';
const ARGS = 'b.batch_seq, b.offset_us, b.key_code, b.key_value, b.text_pos, b.event_bits, b.batch_idx, b.seq_delta';

/** What keystroke_batches holds now, in this shape, as a text table and a dictionary table. */
export function shapeSql(shape: Shape): string[] {
  const text = `trial_text_${shape}`;
  const dict = `trial_dict_${shape}`;
  const ids = (column: string) => `(SELECT array_agg(n.id ORDER BY u.i) FROM unnest(t.${column}) WITH ORDINALITY u(k, i) JOIN trial_names n ON n.name = u.k)`;
  return [
    `CREATE TABLE ${text} (LIKE keystroke_batches INCLUDING ALL)`,
    shape === 'rows64'
      // The same events in rows of 64, as the ingest bench's clients and big imports send them.
      ? `INSERT INTO ${text} (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
         SELECT session_id, n / 64 + 1, array_agg(offset_us ORDER BY n), array_agg(key_code ORDER BY n), array_agg(key_value ORDER BY n),
                array_agg(text_pos ORDER BY n), array_agg(event_bits ORDER BY n)
           FROM (SELECT b.session_id, e.offset_us, e.key_code, e.key_value, e.text_pos, e.event_bits,
                        row_number() OVER (PARTITION BY b.session_id ORDER BY e.batch_seq, e.batch_idx) - 1 AS n
                   FROM keystroke_batches b CROSS JOIN LATERAL keystroke_batch_events(${ARGS}) e) x
          GROUP BY session_id, n / 64`
      : `INSERT INTO ${text} (${COLUMNS}) SELECT ${COLUMNS} FROM keystroke_batches ORDER BY session_id, batch_seq`,
    `CREATE TABLE ${dict} (LIKE keystroke_batches INCLUDING ALL)`,
    `ALTER TABLE ${dict} ALTER key_code TYPE smallint[] USING NULL, ALTER key_value TYPE smallint[] USING NULL`,
    `ALTER TABLE ${dict} ALTER key_code SET STORAGE MAIN, ALTER key_value SET STORAGE MAIN`,
    `INSERT INTO ${dict} (${COLUMNS})
     SELECT t.session_id, t.batch_seq, t.offset_us, ${ids('key_code')}, ${ids('key_value')}, t.text_pos, t.event_bits, t.batch_idx, t.seq_delta
       FROM ${text} t ORDER BY t.session_id, t.batch_seq`,
    `CREATE VIEW ${text}_view AS SELECT b.session_id, e.* FROM ${text} b CROSS JOIN LATERAL keystroke_batch_events(${ARGS}) e`,
    `CREATE VIEW ${dict}_view AS SELECT b.session_id, e.* FROM ${dict} b CROSS JOIN LATERAL trial_batch_events(${ARGS}) e`,
  ];
}
