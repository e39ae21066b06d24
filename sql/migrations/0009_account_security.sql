-- Accounts an attacker cannot take (issue 14). Forward-only.

-- Anonymous typists own no address: one set on an anonymous row (the old PATCH /auth/me
-- allowed it) was never proven and only squats the address of whoever owns it.
UPDATE users SET email = NULL, email_verified_at = NULL WHERE is_anonymous AND email IS NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_anonymous_without_email CHECK (NOT is_anonymous OR email IS NULL);

-- Mailed links are bound to the address they were sent to: a link stops working once the
-- account's address is another one. Email changes wait for a link mailed to the new
-- address; the old address gets a link that undoes the change.
ALTER TABLE one_time_tokens ADD COLUMN email text;
UPDATE one_time_tokens o SET email = u.email FROM users u WHERE u.id = o.user_id;
UPDATE one_time_tokens SET used_at = coalesce(used_at, now()) WHERE email IS NULL;
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check
  CHECK (purpose IN ('email_verification', 'password_reset', 'email_change', 'email_change_undo'));
ALTER TABLE one_time_tokens ADD COLUMN previous_email text; -- for email_change_undo: the address to restore

-- Absolute session lifetime: every refresh token of a family (one sign-in) carries the end
-- of that sign-in, however often it rotates.
ALTER TABLE refresh_tokens ADD COLUMN session_expires_at timestamptz;
UPDATE refresh_tokens SET session_expires_at = created_at + interval '30 days';
ALTER TABLE refresh_tokens ALTER COLUMN session_expires_at SET NOT NULL;
-- How the sign-in was made ('password' covers the 2FA step; 'google'; 'anonymous'): an
-- account without a password re-authenticates with a fresh provider sign-in.
ALTER TABLE refresh_tokens ADD COLUMN sign_in_method text NOT NULL DEFAULT 'password';

-- Access tokens name their refresh family; a sidecar caches whether the family is live and
-- drops the cache for a user when any of their families is revoked or deleted, in every
-- sidecar process, through this notification.
CREATE FUNCTION notify_sign_in_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ff_sign_in_revoked', OLD.user_id::text);
  RETURN NULL;
END $$;
CREATE TRIGGER refresh_tokens_revoked AFTER UPDATE OF revoked_at ON refresh_tokens
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION notify_sign_in_revoked();
CREATE TRIGGER refresh_tokens_deleted AFTER DELETE ON refresh_tokens
  FOR EACH ROW EXECUTE FUNCTION notify_sign_in_revoked();

-- The 2FA step token between the password and the code is single use.
CREATE TABLE used_step_tokens (
  jti uuid PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

-- OAuth flows started from the settings page link the identity to the signed-in account.
ALTER TABLE oauth_states ADD COLUMN link_user_id uuid REFERENCES users (id) ON DELETE CASCADE;

-- Sign-in throttling, shared by every sidecar process. Keyed by the lower-cased email the
-- attempt named (known or not, so the answer reveals nothing) and the source: a device
-- cookie from an earlier successful sign-in, or the client address (IPv6 grouped by /64).
-- The row with source '*' is the per-account ceiling over all unrecognised sources.
CREATE TABLE sign_in_throttle (
  email_key text NOT NULL,
  source text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  first_failure_at timestamptz NOT NULL DEFAULT now(),
  blocked_until timestamptz,
  lockouts integer NOT NULL DEFAULT 0,         -- grows the next block: 1x, 2x, 4x ... the base
  PRIMARY KEY (email_key, source)
);
CREATE INDEX sign_in_throttle_age_idx ON sign_in_throttle (first_failure_at);

-- Rate-limit windows shared by every sidecar process (fixed windows, one row per rule and
-- client); rows past their window are swept, so the table stays as small as the traffic.
CREATE UNLOGGED TABLE rate_limit_windows (
  rule text NOT NULL,
  client_key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (rule, client_key)
);
CREATE INDEX rate_limit_windows_start_idx ON rate_limit_windows (window_start);
