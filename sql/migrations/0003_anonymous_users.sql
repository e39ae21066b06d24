-- Anonymous typists: a user row without an email, so their sessions have an owner like any
-- other and can be claimed by an account later (their rows move to it). Forward-only.

ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD COLUMN is_anonymous boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD CONSTRAINT users_email_or_anonymous CHECK (is_anonymous OR email IS NOT NULL);
