-- keystroke_batches compresses rows once, at rest, instead of on the way in (sql/SCHEMA.md,
-- "Compaction"). 0011 set toast_tuple_target = 128 so that a batch row of a dozen events or
-- more was compressed as ingest wrote it: that is PostgreSQL's largest cost per stored event
-- (pglz), paid on the hot path, and since 0013 paid again when the ended session's rows are
-- merged and compressed into rows of ~160 events. With the default target (2032 bytes) a live
-- row is compressed only when it passes 2 kB, and a typist's rows of one or two events are
-- no longer tried and refused; a merged row (2-5 kB before compression) still is. Measured
-- in BENCHMARKS.md. Rows already stored keep the form they have. Forward-only.
ALTER TABLE keystroke_batches RESET (toast_tuple_target);
