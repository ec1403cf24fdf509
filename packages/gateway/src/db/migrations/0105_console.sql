-- 0105_console: what the owner console (/console) keeps server-side, and cancellable pairing codes.

-- A cancelled code can never be exchanged (consumePairingCode requires cancelled_at IS NULL).
ALTER TABLE pairing_codes ADD COLUMN cancelled_at timestamptz;
CREATE INDEX pairing_codes_agent_created_idx ON pairing_codes (agent_id, created_at DESC, id DESC);

-- Console sign-ins. Only SHA-256 of the cookie value is stored, so a database dump cannot be
-- replayed as a session. Idle and absolute expiry are checked on every request.
CREATE TABLE console_sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_hash   bytea NOT NULL UNIQUE CHECK (octet_length(session_hash) = 32),
  user_id        text NOT NULL CHECK (char_length(user_id) BETWEEN 1 AND 128),
  email          text,
  role           text NOT NULL CHECK (role IN ('user', 'platform_admin')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  ended_at       timestamptz
);
CREATE INDEX console_sessions_expiry_idx ON console_sessions (expires_at);

-- One row per submitted console form (its hidden nonce): a retried post after a lost
-- response finds the row and is sent to the first result instead of acting twice.
CREATE TABLE console_form_submissions (
  session_id     uuid NOT NULL REFERENCES console_sessions (id) ON DELETE CASCADE,
  nonce          text NOT NULL CHECK (char_length(nonce) BETWEEN 16 AND 64),
  location       text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, nonce)
);
