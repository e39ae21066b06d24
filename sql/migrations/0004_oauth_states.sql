-- Sign-in through an OAuth provider (Google): one row per authorization request in flight,
-- so the callback can prove that it answers a request this server started, in this
-- browser, less than 10 minutes ago, and only once. Forward-only.

CREATE TABLE oauth_states (
  state_hash bytea PRIMARY KEY,                -- SHA-256 of the `state` parameter
  provider text NOT NULL,                      -- 'google'
  browser_hash bytea NOT NULL,                 -- SHA-256 of the binding cookie of the browser that started it
  code_verifier_encrypted bytea NOT NULL,      -- PKCE verifier, AES-GCM under a key derived from SECRET_KEY
  nonce_hash bytea NOT NULL,                   -- SHA-256 of the nonce the ID token must carry
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz                          -- set by the callback: each state is used once
);
CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at);
