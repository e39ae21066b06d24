-- Every flush of the ingest server updates each session it stored batches for
-- (committed_seq, event_count, updated_at): thousands of row updates a second under load.
-- None of those columns is indexed, so with free space on the page PostgreSQL can make them
-- HOT updates that touch no index. Forward-only.
ALTER TABLE typing_sessions SET (fillfactor = 70);
