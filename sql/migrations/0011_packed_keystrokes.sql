-- Packed keystroke storage (sql/SCHEMA.md, "keystroke_batches"): one row per stored client
-- batch, one array per column, instead of one row per keydown or keyup. A row of the old
-- table cost ~157 bytes (tuple header, alignment, and a primary-key entry per event); a
-- batch row pays those once for ~64 events, and its arrays compress. COPY writes one line
-- per batch, so the per-row work of PostgreSQL (heap insert, index insert, WAL record)
-- happens once per batch. Forward-only.

CREATE TABLE keystroke_batches (
  session_id uuid NOT NULL,
  batch_seq integer NOT NULL CHECK (batch_seq >= 1),
  offset_us bigint[] NOT NULL,                 -- microseconds since the session's first keydown
  event_type smallint[] NOT NULL,              -- 0 keydown, 1 keyup
  key_code text[] NOT NULL,                    -- KeyboardEvent.code: the physical key
  key_value text[] NOT NULL,                   -- KeyboardEvent.key: what it produced
  text_pos integer[] NOT NULL,                 -- index in the practice text; -1 = none
  finger smallint[] NOT NULL,                  -- fingers.id, assigned by the server from key_code
  is_error boolean[] NOT NULL,
  flags smallint[] NOT NULL,                   -- bitmask: 1 repeat, 2 shift, 4 ctrl, 8 alt, 16 meta, 32 caps lock, 64 composing
  -- Each event's index in its batch. NULL (always, for ingest) means 0, 1, 2 ... in array
  -- order; only an import of part of a batch stores them.
  batch_idx smallint[],
  -- The view pairs the arrays element by element: they must be the same length.
  CHECK (cardinality(offset_us) BETWEEN 1 AND 32768
    AND cardinality(event_type) = cardinality(offset_us) AND cardinality(key_code) = cardinality(offset_us)
    AND cardinality(key_value) = cardinality(offset_us) AND cardinality(text_pos) = cardinality(offset_us)
    AND cardinality(finger) = cardinality(offset_us) AND cardinality(is_error) = cardinality(offset_us)
    AND cardinality(flags) = cardinality(offset_us)
    AND (batch_idx IS NULL OR cardinality(batch_idx) = cardinality(offset_us))),
  -- The exactly-once safety net: a batch resent after a lost ack can never be stored twice.
  -- One index entry per batch; no other index.
  PRIMARY KEY (session_id, batch_seq)
) WITH (toast_tuple_target = 128);

-- Compressed in the row, never moved out of line unless a row outgrows a page: a TOAST
-- pointer would add a second table and index lookup to every per-session read. With the low
-- toast_tuple_target above, a batch of a dozen events is already compressed.
ALTER TABLE keystroke_batches
  ALTER COLUMN offset_us SET STORAGE MAIN, ALTER COLUMN event_type SET STORAGE MAIN,
  ALTER COLUMN key_code SET STORAGE MAIN, ALTER COLUMN key_value SET STORAGE MAIN,
  ALTER COLUMN text_pos SET STORAGE MAIN, ALTER COLUMN finger SET STORAGE MAIN,
  ALTER COLUMN is_error SET STORAGE MAIN, ALTER COLUMN flags SET STORAGE MAIN,
  ALTER COLUMN batch_idx SET STORAGE MAIN;

-- lz4 where this PostgreSQL was built with it (faster than pglz, and it also compresses the
-- short arrays pglz leaves alone); pglz otherwise.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE keystroke_batches
    ALTER COLUMN offset_us SET COMPRESSION lz4, ALTER COLUMN event_type SET COMPRESSION lz4,
    ALTER COLUMN key_code SET COMPRESSION lz4, ALTER COLUMN key_value SET COMPRESSION lz4,
    ALTER COLUMN text_pos SET COMPRESSION lz4, ALTER COLUMN finger SET COMPRESSION lz4,
    ALTER COLUMN is_error SET COMPRESSION lz4, ALTER COLUMN flags SET COMPRESSION lz4,
    ALTER COLUMN batch_idx SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  NULL;
END
$$;

-- v1 rows, converted in one pass: a batch stored whole (indexes 0..n-1, which is all ingest
-- ever wrote) gets batch_idx NULL.
INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags, batch_idx)
SELECT session_id, batch_seq,
       array_agg(offset_us ORDER BY batch_idx), array_agg(event_type ORDER BY batch_idx),
       array_agg(key_code ORDER BY batch_idx), array_agg(key_value ORDER BY batch_idx),
       array_agg(text_pos ORDER BY batch_idx), array_agg(finger ORDER BY batch_idx),
       array_agg(is_error ORDER BY batch_idx), array_agg(flags ORDER BY batch_idx),
       CASE WHEN min(batch_idx) = 0 AND max(batch_idx) = count(*) - 1 THEN NULL
            ELSE array_agg(batch_idx ORDER BY batch_idx) END
  FROM keystrokes
 GROUP BY session_id, batch_seq;

DROP TABLE keystrokes;

-- Today's rows, one per keydown or keyup, with today's columns: analytics SQL, exports and
-- every reader keep working. A per-session read is a primary-key range scan of a few batch
-- rows, unnested in batch order.
CREATE VIEW keystrokes AS
SELECT b.session_id,
       b.batch_seq,
       coalesce(b.batch_idx[e.n], e.n - 1)::smallint AS batch_idx,
       e.offset_us, e.event_type, e.key_code, e.key_value, e.text_pos, e.finger, e.is_error, e.flags
  FROM keystroke_batches b
 CROSS JOIN LATERAL unnest(b.offset_us, b.event_type, b.key_code, b.key_value, b.text_pos, b.finger, b.is_error, b.flags)
       WITH ORDINALITY AS e(offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags, n);

CREATE OR REPLACE FUNCTION delete_session_keystrokes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM keystroke_batches WHERE session_id = OLD.id;
  RETURN OLD;
END;
$$;
