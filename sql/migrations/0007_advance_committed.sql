-- The optimistic flush of the ingest server (server/db/flush-transaction.ts) sends one
-- simple query, "CALL advance_committed(...); COPY keystrokes ... FROM STDIN": PostgreSQL runs
-- a multi-statement query as one implicit transaction, so the advance and the rows commit
-- together in two round trips instead of five (BEGIN, UPDATE, COPY, COPY data, COMMIT).
-- The procedure advances each session's committed_seq only if the flush's view of it holds
-- (same holder, committed_seq where the batches continue, not ended); if any session differs,
-- it raises FF409 and the whole transaction, COPY included, never happens: the writer then
-- plans the flush under row locks. Forward-only.
CREATE PROCEDURE advance_committed(ids uuid[], expected integer[], seqs integer[], counts integer[], owners text[])
LANGUAGE plpgsql AS $$
DECLARE
  advanced integer;
BEGIN
  UPDATE typing_sessions t
     SET committed_seq = v.seq, event_count = t.event_count + v.n, updated_at = now()
    FROM unnest(ids, expected, seqs, counts, owners) AS v(id, expected, seq, n, owner)
   WHERE t.id = v.id AND t.committed_seq = v.expected AND t.ingest_owner = v.owner AND t.ended_at IS NULL;
  GET DIAGNOSTICS advanced = ROW_COUNT;
  IF advanced <> cardinality(ids) THEN
    RAISE EXCEPTION '% of % sessions are not as the flush expected', cardinality(ids) - advanced, cardinality(ids)
      USING ERRCODE = 'FF409';
  END IF;
END
$$;
