-- Ended sessions' small batch rows, merged into a few large ones (sql/SCHEMA.md,
-- "Compaction"). A typist's 150 ms batch holds one or two events; stored as its own row it
-- costs ~144-161 bytes an event (tuple header, array headers, a primary-key entry), about
-- what a v1 row cost, and too small to compress. Merged 160 events to a row, the same events
-- cost ~18 bytes (measured in BENCHMARKS.md). A live session's rows are never touched:
-- ingest appends to them, and the primary key is its exactly-once safety net. Forward-only.

-- Each event's batch_seq minus its row's, for a merged row (whose batch_seq is the lowest
-- of its batches). NULL (every unmerged row) means the row's batch_seq for every event. A
-- merged row also stores batch_idx, since its indexes restart at each batch.
ALTER TABLE keystroke_batches ADD COLUMN seq_delta smallint[];
ALTER TABLE keystroke_batches ALTER COLUMN seq_delta SET STORAGE MAIN;
DO $$
BEGIN
  EXECUTE 'ALTER TABLE keystroke_batches ALTER COLUMN seq_delta SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  NULL;
END
$$;
ALTER TABLE keystroke_batches ADD CONSTRAINT keystroke_batches_seq_delta_check
  CHECK (seq_delta IS NULL OR (batch_idx IS NOT NULL AND cardinality(seq_delta) = cardinality(offset_us) AND 0 <= ALL (seq_delta)));

-- The one definition of how a stored row becomes events: the view below, the import merge
-- and compaction all read rows through it. PostgreSQL inlines it (a single SELECT in SQL),
-- so a read by session is still a primary-key range scan and one unnest per row.
CREATE FUNCTION keystroke_batch_events(p_batch_seq integer, p_offset_us bigint[], p_key_code text[], p_key_value text[],
                                       p_text_pos integer[], p_event_bits smallint[], p_batch_idx smallint[], p_seq_delta smallint[])
RETURNS TABLE (batch_seq integer, batch_idx smallint, offset_us bigint, event_type smallint, key_code text, key_value text,
               text_pos integer, finger smallint, is_error boolean, flags smallint, event_bits smallint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p_batch_seq + coalesce(e.delta, 0),
         coalesce(e.idx, e.n - 1)::smallint,
         e.offset_us,
         (e.bits & 1)::smallint,
         e.key_code, e.key_value, e.text_pos,
         ((e.bits >> 2) & 15)::smallint,
         (e.bits & 2) <> 0,
         (e.bits >> 6)::smallint,
         e.bits
    FROM unnest(p_offset_us, p_key_code, p_key_value, p_text_pos, p_event_bits, p_batch_idx, p_seq_delta)
         WITH ORDINALITY AS e(offset_us, key_code, key_value, text_pos, bits, idx, delta, n)
$$;

-- The same columns and types as 0012's view.
CREATE OR REPLACE VIEW keystrokes AS
SELECT b.session_id, e.batch_seq, e.batch_idx, e.offset_us, e.event_type, e.key_code, e.key_value, e.text_pos, e.finger, e.is_error, e.flags
  FROM keystroke_batches b
 CROSS JOIN LATERAL keystroke_batch_events(b.batch_seq, b.offset_us, b.key_code, b.key_value, b.text_pos, b.event_bits, b.batch_idx, b.seq_delta) e;

-- Replaces these rows of a session (whole rows, each batch in exactly one row) by one row
-- holding all their events in (batch_seq, batch_idx) order, keyed by the lowest batch_seq.
-- Returns how many rows went away. Separate statements: the new row takes the primary key
-- of one it replaces.
CREATE FUNCTION keystroke_rows_merge(p_session uuid, p_seqs integer[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_seq integer := (SELECT min(s) FROM unnest(p_seqs) s);
  merged keystroke_batches%ROWTYPE;
  gone integer;
BEGIN
  IF cardinality(p_seqs) < 2 THEN RETURN 0; END IF;
  SELECT p_session, first_seq,
         array_agg(e.offset_us ORDER BY e.batch_seq, e.batch_idx), array_agg(e.key_code ORDER BY e.batch_seq, e.batch_idx),
         array_agg(e.key_value ORDER BY e.batch_seq, e.batch_idx), array_agg(e.text_pos ORDER BY e.batch_seq, e.batch_idx),
         array_agg(e.event_bits ORDER BY e.batch_seq, e.batch_idx), array_agg(e.batch_idx ORDER BY e.batch_seq, e.batch_idx),
         array_agg((e.batch_seq - first_seq)::smallint ORDER BY e.batch_seq, e.batch_idx)
    INTO merged.session_id, merged.batch_seq, merged.offset_us, merged.key_code, merged.key_value, merged.text_pos,
         merged.event_bits, merged.batch_idx, merged.seq_delta
    FROM keystroke_batches b
   CROSS JOIN LATERAL keystroke_batch_events(b.batch_seq, b.offset_us, b.key_code, b.key_value, b.text_pos, b.event_bits, b.batch_idx, b.seq_delta) e
   WHERE b.session_id = p_session AND b.batch_seq = ANY (p_seqs);
  DELETE FROM keystroke_batches WHERE session_id = p_session AND batch_seq = ANY (p_seqs);
  GET DIAGNOSTICS gone = ROW_COUNT;
  INSERT INTO keystroke_batches SELECT merged.*;
  RETURN gone - 1;
END
$$;

-- Compacts one ended session: runs of consecutive rows smaller than p_events are merged,
-- greedily, into rows of at most p_events events (160: 2-2.5 kB compressed, three or four
-- rows a page, never TOASTed; 120-240 measured within 10% of each other, 512 no longer fits a
-- page). A row already that large stays as it is. Returns how many rows went away;
-- a second call finds nothing to do. Live and unknown sessions are left alone (0). The
-- session row is locked first: ingest's flush locks it too, and refuses ended sessions.
CREATE FUNCTION compact_session_keystrokes(p_session uuid, p_events integer DEFAULT 160) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  run integer[] := '{}';
  run_events integer := 0;
  gone integer := 0;
BEGIN
  PERFORM 1 FROM typing_sessions WHERE id = p_session AND ended_at IS NOT NULL FOR UPDATE;
  IF NOT FOUND THEN RETURN 0; END IF;
  FOR r IN
    SELECT b.batch_seq, cardinality(b.offset_us) AS events,
           b.batch_seq + coalesce((SELECT max(d) FROM unnest(b.seq_delta) d), 0) AS last_seq
      FROM keystroke_batches b WHERE b.session_id = p_session ORDER BY b.batch_seq
  LOOP
    -- A row's deltas are smallints: a run spans at most 32,767 batch seqs.
    IF r.events >= p_events OR run_events + r.events > p_events
       OR (cardinality(run) > 0 AND r.last_seq - run[1] > 32767) THEN
      gone := gone + keystroke_rows_merge(p_session, run);
      run := '{}';
      run_events := 0;
    END IF;
    IF r.events < p_events THEN
      run := run || r.batch_seq;
      run_events := run_events + r.events;
    END IF;
  END LOOP;
  RETURN gone + keystroke_rows_merge(p_session, run);
END
$$;

-- Splits a session's merged rows that hold any of these batch seqs back into one row per
-- batch, so that a writer outside ingest (the import merge) finds each of those batches
-- under its own primary key. Returns how many merged rows were split.
CREATE FUNCTION expand_session_keystrokes(p_session uuid, p_seqs integer[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  split integer[];
  rebuilt keystroke_batches[];
BEGIN
  -- Compaction holds this lock while it rewrites the session: waiting for it means the next
  -- statement sees the rows as they are now, not as they were before a merge.
  PERFORM 1 FROM typing_sessions WHERE id = p_session FOR UPDATE;
  SELECT array_agg(DISTINCT b.batch_seq) INTO split
    FROM keystroke_batches b CROSS JOIN LATERAL unnest(b.seq_delta) d
   WHERE b.session_id = p_session AND b.seq_delta IS NOT NULL
     AND b.batch_seq + d IN (SELECT unnest(p_seqs));
  IF split IS NULL THEN RETURN 0; END IF;
  SELECT array_agg(r) INTO rebuilt FROM (
    SELECT ROW(p_session, e.batch_seq,
               array_agg(e.offset_us ORDER BY e.batch_idx), array_agg(e.key_code ORDER BY e.batch_idx),
               array_agg(e.key_value ORDER BY e.batch_idx), array_agg(e.text_pos ORDER BY e.batch_idx),
               array_agg(e.event_bits ORDER BY e.batch_idx),
               CASE WHEN min(e.batch_idx) = 0 AND max(e.batch_idx) = count(*) - 1 THEN NULL
                    ELSE array_agg(e.batch_idx ORDER BY e.batch_idx) END,
               NULL)::keystroke_batches AS r
      FROM keystroke_batches b
     CROSS JOIN LATERAL keystroke_batch_events(b.batch_seq, b.offset_us, b.key_code, b.key_value, b.text_pos, b.event_bits, b.batch_idx, b.seq_delta) e
     WHERE b.session_id = p_session AND b.batch_seq = ANY (split)
     GROUP BY e.batch_seq) s;
  DELETE FROM keystroke_batches WHERE session_id = p_session AND batch_seq = ANY (split);
  INSERT INTO keystroke_batches SELECT * FROM unnest(rebuilt);
  RETURN cardinality(split);
END
$$;

-- Sessions that ended before this migration, compacted in one pass.
SELECT count(compact_session_keystrokes(t.id)) FROM typing_sessions t
 WHERE t.ended_at IS NOT NULL AND EXISTS (SELECT 1 FROM keystroke_batches b WHERE b.session_id = t.id);
