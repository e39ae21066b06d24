-- Load-test typists are tagged so they can be removed: `npm run load -- --cleanup` deletes
-- one run's users (their sessions and keystrokes go with them: ON DELETE CASCADE and the
-- keystroke trigger), and the sidecar deletes any whose loadtest_expires_at has passed
-- (LOADTEST_RETENTION_HOURS) when the next load test starts. NULL on every real user.
-- Forward-only.
ALTER TABLE users ADD COLUMN loadtest_run text;
ALTER TABLE users ADD COLUMN loadtest_expires_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_loadtest_anonymous CHECK (loadtest_run IS NULL OR is_anonymous);
CREATE INDEX users_loadtest_run_idx ON users (loadtest_run) WHERE loadtest_run IS NOT NULL;
CREATE INDEX users_loadtest_expires_idx ON users (loadtest_expires_at) WHERE loadtest_expires_at IS NOT NULL;
