-- FingerFlow schema v1. Forward-only: once landed this file is never edited; change the
-- schema with a new numbered file. sql/SCHEMA.md describes every table.

-- Accounts ---------------------------------------------------------------------------

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  email_verified_at timestamptz,
  password_hash text,                          -- bcrypt; NULL for accounts made through OAuth only
  display_name text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
  failed_login_count integer NOT NULL DEFAULT 0,
  first_failed_login_at timestamptz,
  locked_until timestamptz,
  last_login_at timestamptz,
  password_changed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE oauth_identities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider text NOT NULL,                      -- 'google'
  subject text NOT NULL,                       -- the provider's stable user id (`sub`)
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, subject)
);
CREATE INDEX oauth_identities_user_idx ON oauth_identities (user_id);

-- Refresh tokens rotate on every use; all tokens descended from one login share a family,
-- so reuse of a spent token can revoke the whole family. Only a SHA-256 of the token is kept.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  user_agent text NOT NULL DEFAULT '',
  ip inet,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,                         -- set when rotated; a second use is reuse
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

-- Single-use links sent by email. Only a SHA-256 of the token is kept.
CREATE TABLE one_time_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('email_verification', 'password_reset')),
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose);

CREATE TABLE totp_secrets (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret_encrypted bytea NOT NULL,             -- AES-GCM under a key derived from SECRET_KEY
  enabled_at timestamptz,                      -- NULL while set up but not yet confirmed
  last_used_step bigint,                       -- each TOTP time step is accepted at most once
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE totp_backup_codes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX totp_backup_codes_user_idx ON totp_backup_codes (user_id);

CREATE TABLE user_settings (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Practice material ------------------------------------------------------------------

CREATE TABLE word_sets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid REFERENCES users (id) ON DELETE CASCADE,   -- NULL = built-in
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  language text NOT NULL DEFAULT 'en',
  words text[] NOT NULL CHECK (cardinality(words) BETWEEN 1 AND 100000),
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX word_sets_builtin_slug_key ON word_sets (slug) WHERE owner_id IS NULL;
CREATE UNIQUE INDEX word_sets_owner_slug_key ON word_sets (owner_id, slug) WHERE owner_id IS NOT NULL;

-- Typing ------------------------------------------------------------------------------

CREATE TABLE fingers (
  id smallint PRIMARY KEY,
  name text NOT NULL UNIQUE,
  hand text NOT NULL CHECK (hand IN ('left', 'right', 'none'))
);
INSERT INTO fingers (id, name, hand) VALUES
  (0, 'left_pinky', 'left'), (1, 'left_ring', 'left'), (2, 'left_middle', 'left'),
  (3, 'left_index', 'left'), (4, 'left_thumb', 'left'), (5, 'right_thumb', 'right'),
  (6, 'right_index', 'right'), (7, 'right_middle', 'right'), (8, 'right_ring', 'right'),
  (9, 'right_pinky', 'right'), (10, 'unknown', 'none');

CREATE TABLE typing_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('timed', 'words', 'quote', 'custom', 'zen')),
  config jsonb NOT NULL DEFAULT '{}'::jsonb,   -- duration, word count, view, stop-on-error ...
  practice_text text NOT NULL DEFAULT '',
  word_set_id uuid REFERENCES word_sets (id) ON DELETE SET NULL,
  keyboard_layout text NOT NULL DEFAULT 'qwerty-us',
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  -- Highest batch sequence durably stored; the ingest server advances it in the same
  -- transaction as the COPY, which is what makes acknowledgements exactly-once.
  committed_seq integer NOT NULL DEFAULT 0 CHECK (committed_seq >= 0),
  event_count bigint NOT NULL DEFAULT 0,
  ingest_owner text,                           -- which ingest connection holds the session
  ingest_owner_since timestamptz,
  -- Summary figures, filled when the session ends (the analytics engine recomputes them).
  duration_ms integer,
  wpm real,
  raw_wpm real,
  accuracy real,
  summary jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX typing_sessions_user_started_idx ON typing_sessions (user_id, started_at DESC);

-- One row per keydown or keyup: the big table (hundreds of millions of rows). Written only
-- by COPY from the ingest server. The primary key makes a stored event unique per
-- (session, batch, index in batch), so a resent batch can never be stored twice; it also
-- serves every per-session scan. The table has no foreign key to typing_sessions: checking
-- one per row would cost COPY throughput, and a session is removed with its keystrokes by
-- the trigger below.
CREATE TABLE keystrokes (
  session_id uuid NOT NULL,
  batch_seq integer NOT NULL CHECK (batch_seq >= 1),
  batch_idx smallint NOT NULL CHECK (batch_idx >= 0),
  offset_us bigint NOT NULL CHECK (offset_us >= 0),  -- microseconds since the session's first keydown
  event_type smallint NOT NULL CHECK (event_type IN (0, 1)),  -- 0 keydown, 1 keyup
  key_code text NOT NULL,                      -- KeyboardEvent.code: the physical key
  key_value text NOT NULL,                     -- KeyboardEvent.key: what it produced
  text_pos integer NOT NULL DEFAULT -1,        -- index in the practice text; -1 = none
  finger smallint NOT NULL,                    -- fingers.id, assigned by the server from key_code
  is_error boolean NOT NULL DEFAULT false,
  flags smallint NOT NULL DEFAULT 0,           -- bitmask: 1 repeat, 2 shift, 4 ctrl, 8 alt, 16 meta, 32 caps lock, 64 composing
  PRIMARY KEY (session_id, batch_seq, batch_idx)
);

CREATE FUNCTION delete_session_keystrokes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM keystrokes WHERE session_id = OLD.id;
  RETURN OLD;
END;
$$;
CREATE TRIGGER typing_sessions_delete_keystrokes
  AFTER DELETE ON typing_sessions FOR EACH ROW EXECUTE FUNCTION delete_session_keystrokes();
