-- 0006_analytics_cache.sql
-- The analytics cache: per-session summaries derived from `keystrokes` by
-- server/db/analytics (refresh-sql.ts), so a range over a million events, a whole history
-- or the per-key model reads a few compact rows per session instead of pairing every keyup
-- again. Every row carries or belongs to a stamp (the session's committed_seq and
-- event_count when built) and is rebuilt whole, never edited, when the session moves on.
-- sql/SCHEMA.md describes the tables. Forward-only: once landed, never edited.

-- One per session: bounds, the characters of each whole second, and the ScopeSummary.
CREATE TABLE session_summaries (
  session_id uuid PRIMARY KEY REFERENCES typing_sessions (id) ON DELETE CASCADE,
  source_seq integer NOT NULL,                 -- typing_sessions.committed_seq when built
  source_events bigint NOT NULL,               -- typing_sessions.event_count when built
  start_us bigint,                             -- first keydown; NULL when none counts
  end_us bigint,                               -- last keyup (or keydown)
  full_second_chars integer[] NOT NULL,        -- character keystrokes of each whole second
  summary json NOT NULL,                       -- the session's ScopeSummary (METRICS.md)
  computed_at timestamptz NOT NULL DEFAULT now()
);

-- Per session and key struck: counts, and every timing as an array (exact percentiles of a
-- range need every value; arrays keep them 40 to a row instead of one row each).
CREATE TABLE session_key_timings (
  session_id uuid NOT NULL REFERENCES typing_sessions (id) ON DELETE CASCADE,
  key_code text NOT NULL,
  finger smallint NOT NULL,
  presses integer NOT NULL,                    -- keydowns, auto-repeats excluded
  character_keystrokes integer NOT NULL,
  errors integer NOT NULL,
  dwell_us float8[] NOT NULL,
  flight_us float8[] NOT NULL,
  transition_us float8[] NOT NULL,
  PRIMARY KEY (session_id, key_code, finger)
);

-- Per session and letter pair (and the class of the keys that struck it).
CREATE TABLE session_digraphs (
  session_id uuid NOT NULL REFERENCES typing_sessions (id) ON DELETE CASCADE,
  digraph text NOT NULL,
  pair_class text NOT NULL,                    -- same_finger, same_hand, cross_hand, unknown
  occurrences integer NOT NULL,
  errors integer NOT NULL,
  transition_us float8[] NOT NULL,
  PRIMARY KEY (session_id, digraph, pair_class)
);

-- Per session: which character was typed where another was expected.
CREATE TABLE session_confusion (
  session_id uuid NOT NULL REFERENCES typing_sessions (id) ON DELETE CASCADE,
  expected text NOT NULL,
  typed text NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (session_id, expected, typed)
);

-- Per session and letter: the evidence of the per-key learning model.
CREATE TABLE session_letters (
  session_id uuid NOT NULL REFERENCES typing_sessions (id) ON DELETE CASCADE,
  letter text NOT NULL,
  hits integer NOT NULL,
  misses integer NOT NULL,
  time_sum_us bigint NOT NULL,                 -- transition times of the hits that have one
  time_count integer NOT NULL,
  PRIMARY KEY (session_id, letter)
);

-- The whole-session analytics answer for the default options, kept until the stamp moves:
-- an ended session's report never changes, and it is asked for again and again.
CREATE TABLE session_analytics (
  session_id uuid PRIMARY KEY REFERENCES typing_sessions (id) ON DELETE CASCADE,
  source_seq integer NOT NULL,
  source_events bigint NOT NULL,
  fatigue_window_sec integer NOT NULL,
  analytics json NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);
