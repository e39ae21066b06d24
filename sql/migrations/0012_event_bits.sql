-- Four small columns of keystroke_batches in one (sql/SCHEMA.md, "keystroke_batches"):
-- event_type, is_error, finger and flags of each event now share one smallint, `event_bits`.
-- Measured on the same 1,000,000 events, 64 a batch, one connection (BENCHMARKS.md): COPY
-- takes 13-18% more events a second (PostgreSQL reads, compresses and checks five arrays a
-- row instead of eight), a stored event costs 12.6 bytes instead of 13.8, and a typist's
-- batch of one or two events, which is too small to compress, loses three array headers
-- (~75 bytes). The `keystrokes` view returns exactly the columns it returned before.
-- Forward-only.

-- The one definition of the layout in SQL: bit 0 keyup, bit 1 error, bits 2-5 finger
-- (fingers.id, 0-10), bits 6-13 flags (0-255). The view takes it apart again.
CREATE FUNCTION keystroke_event_bits(event_type smallint[], is_error boolean[], finger smallint[], flags smallint[])
RETURNS smallint[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg((u.t | (CASE WHEN u.e THEN 2 ELSE 0 END) | (u.f << 2) | (u.fl << 6))::smallint ORDER BY u.n), '{}')
    FROM unnest(event_type, is_error, finger, flags) WITH ORDINALITY AS u(t, e, f, fl, n)
$$;

-- Values the layout cannot hold would come back as other values: refuse the migration
-- instead. Every writer bounds them (the protocol, the import schema, fingerOf).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM keystroke_batches b, unnest(b.event_type, b.finger, b.flags) AS u(t, f, fl)
              WHERE u.t NOT IN (0, 1) OR u.f NOT BETWEEN 0 AND 15 OR u.fl NOT BETWEEN 0 AND 255) THEN
    RAISE EXCEPTION 'keystroke_batches holds an event_type, finger or flags value outside 0-1, 0-15, 0-255';
  END IF;
END
$$;

CREATE TABLE keystroke_batches_v3 (
  session_id uuid NOT NULL,
  batch_seq integer NOT NULL CHECK (batch_seq >= 1),
  offset_us bigint[] NOT NULL,                 -- microseconds since the session's first keydown
  key_code text[] NOT NULL,                    -- KeyboardEvent.code: the physical key
  key_value text[] NOT NULL,                   -- KeyboardEvent.key: what it produced
  text_pos integer[] NOT NULL,                 -- index in the practice text; -1 = none
  -- keystroke_event_bits: keyup | error << 1 | finger << 2 | flags << 6 (flags: 1 repeat,
  -- 2 shift, 4 ctrl, 8 alt, 16 meta, 32 caps lock, 64 composing)
  event_bits smallint[] NOT NULL,
  -- Each event's index in its batch. NULL (always, for ingest) means 0, 1, 2 ... in array
  -- order; only an import of part of a batch stores them.
  batch_idx smallint[],
  -- The view pairs the arrays element by element: they must be the same length.
  CHECK (cardinality(offset_us) BETWEEN 1 AND 32768
    AND cardinality(key_code) = cardinality(offset_us) AND cardinality(key_value) = cardinality(offset_us)
    AND cardinality(text_pos) = cardinality(offset_us) AND cardinality(event_bits) = cardinality(offset_us)
    AND (batch_idx IS NULL OR cardinality(batch_idx) = cardinality(offset_us))),
  -- Bits 14 and 15 are unused: a negative value or one above 2^14-1 was not made by the layout.
  CHECK (0 <= ALL (event_bits) AND 16384 > ALL (event_bits)),
  -- The exactly-once safety net: a batch resent after a lost ack can never be stored twice.
  -- One index entry per batch; no other index.
  CONSTRAINT keystroke_batches_v3_pkey PRIMARY KEY (session_id, batch_seq)
) WITH (toast_tuple_target = 128);

-- As in 0011: compressed in the row, never moved out of line unless a row outgrows a page.
ALTER TABLE keystroke_batches_v3
  ALTER COLUMN offset_us SET STORAGE MAIN, ALTER COLUMN key_code SET STORAGE MAIN,
  ALTER COLUMN key_value SET STORAGE MAIN, ALTER COLUMN text_pos SET STORAGE MAIN,
  ALTER COLUMN event_bits SET STORAGE MAIN, ALTER COLUMN batch_idx SET STORAGE MAIN;

DO $$
BEGIN
  EXECUTE 'ALTER TABLE keystroke_batches_v3
    ALTER COLUMN offset_us SET COMPRESSION lz4, ALTER COLUMN key_code SET COMPRESSION lz4,
    ALTER COLUMN key_value SET COMPRESSION lz4, ALTER COLUMN text_pos SET COMPRESSION lz4,
    ALTER COLUMN event_bits SET COMPRESSION lz4, ALTER COLUMN batch_idx SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  NULL;
END
$$;

-- The v2 rows, converted in one pass.
INSERT INTO keystroke_batches_v3 (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits, batch_idx)
SELECT session_id, batch_seq, offset_us, key_code, key_value, text_pos,
       keystroke_event_bits(event_type, is_error, finger, flags), batch_idx
  FROM keystroke_batches;

DROP VIEW keystrokes;
DROP TABLE keystroke_batches;
ALTER TABLE keystroke_batches_v3 RENAME TO keystroke_batches;
ALTER TABLE keystroke_batches RENAME CONSTRAINT keystroke_batches_v3_pkey TO keystroke_batches_pkey;

-- Today's rows, one per keydown or keyup, with the columns and types of 0011's view.
CREATE VIEW keystrokes AS
SELECT b.session_id,
       b.batch_seq,
       coalesce(b.batch_idx[e.n], e.n - 1)::smallint AS batch_idx,
       e.offset_us,
       (e.bits & 1)::smallint AS event_type,
       e.key_code, e.key_value, e.text_pos,
       ((e.bits >> 2) & 15)::smallint AS finger,
       (e.bits & 2) <> 0 AS is_error,
       (e.bits >> 6)::smallint AS flags
  FROM keystroke_batches b
 CROSS JOIN LATERAL unnest(b.offset_us, b.key_code, b.key_value, b.text_pos, b.event_bits)
       WITH ORDINALITY AS e(offset_us, key_code, key_value, text_pos, bits, n);
