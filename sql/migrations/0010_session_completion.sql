-- Whether a session ran to its end (shared/metrics/completion.ts, METRICS.md section 3):
-- a test stopped early is left out of averages, the trend and personal bests. Built with
-- the rest of the per-session cache; NULL for rows built before this column existed, which
-- count as complete, as they always did, until their cache is rebuilt.
ALTER TABLE session_summaries ADD COLUMN complete boolean;
