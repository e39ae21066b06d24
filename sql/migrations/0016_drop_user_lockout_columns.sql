-- The per-account lockout of 0001 (users.failed_login_count, first_failed_login_at,
-- locked_until) was replaced in 0009 by sign_in_throttle, which counts failures per account
-- and per device or address, so that a stranger cannot lock an owner out by failing on
-- purpose. Since then these columns were reset on every sign-in and password change and read
-- by nothing: a reader of the schema could take them for the rule in force. Forward-only.
ALTER TABLE users
  DROP COLUMN failed_login_count,
  DROP COLUMN first_failed_login_at,
  DROP COLUMN locked_until;
