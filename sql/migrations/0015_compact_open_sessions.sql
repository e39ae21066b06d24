-- Sessions nobody ends are compacted too (sql/SCHEMA.md, "Compaction"). A typist who closes
-- the tab for good, a client that crashed, a load-test client abandoned mid-run: their
-- sessions never end, so under 0013 their rows of one or two events stayed at ~150 bytes an
-- event for good.
--
-- Compacting a session that has not ended is safe up to its committed_seq. Ingest writes
-- only batches past committed_seq, and checks that under the session row lock
-- (advance_committed, or the locked plan's SELECT ... FOR UPDATE), which this function holds
-- while it rewrites. A merged row is keyed by a seq at or below committed_seq, so no later
-- flush can meet it, and the primary key still guards every seq ingest can write. Rows past
-- committed_seq (only an import writes those) stay as they are. When to compact a session
-- that has not ended (after an hour without a write) is the server's choice, not this
-- function's. Ended sessions are compacted as before. Forward-only.
CREATE OR REPLACE FUNCTION compact_session_keystrokes(p_session uuid, p_events integer DEFAULT 160) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  ended boolean;
  committed integer;
  run integer[] := '{}';
  run_events integer := 0;
  gone integer := 0;
BEGIN
  SELECT t.ended_at IS NOT NULL, t.committed_seq INTO ended, committed FROM typing_sessions t WHERE t.id = p_session FOR UPDATE;
  IF NOT FOUND THEN RETURN 0; END IF;
  FOR r IN
    SELECT b.batch_seq, cardinality(b.offset_us) AS events,
           b.batch_seq + coalesce((SELECT max(d) FROM unnest(b.seq_delta) d), 0) AS last_seq
      FROM keystroke_batches b WHERE b.session_id = p_session ORDER BY b.batch_seq
  LOOP
    -- Rows in batch_seq order: the first that ends past committed_seq ends the candidates.
    EXIT WHEN NOT ended AND r.last_seq > committed;
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
