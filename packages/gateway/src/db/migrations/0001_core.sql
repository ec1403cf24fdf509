-- 0001_core: identities, credentials, grants, pairing, audit, rate-limit counters.
-- Applied by src/db/migrate.ts inside one transaction under an advisory lock.

CREATE TABLE owners (
  user_id            text PRIMARY KEY CHECK (char_length(user_id) BETWEEN 1 AND 128),
  email              text,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'annulled')),
  -- when the status was last confirmed (push or Launcher answer) and last changed
  status_checked_at  timestamptz,
  status_changed_at  timestamptz,
  -- first time Launcher could not answer since the last good answer (fail-closed grace)
  status_unreachable_since timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_user_id  text NOT NULL REFERENCES owners (user_id),
  display_name   text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 120),
  -- 'suspended' is derived from the owner's status at read time; stored values are these:
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'revoked')),
  revoked_at     timestamptz,
  last_seen_at   timestamptz,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX agents_owner_idx ON agents (owner_user_id, created_at DESC, id DESC);

CREATE TABLE grants (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id            uuid NOT NULL REFERENCES agents (id),
  workspace_slug      text NOT NULL,
  project_id          uuid NOT NULL,
  project_identifier  text,
  project_name        text,
  scopes              text[] NOT NULL CHECK (cardinality(scopes) > 0),
  created_by          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agent_id, project_id)
);

CREATE TABLE agent_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id      uuid NOT NULL REFERENCES agents (id),
  -- HMAC-SHA256(TOKEN_PEPPER, token): the token itself is never stored
  token_hash    bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  prefix        text NOT NULL,
  last4         text NOT NULL CHECK (char_length(last4) = 4),
  name          text,
  device_name   text,
  client        jsonb,
  created_via   text NOT NULL CHECK (created_via IN ('issue', 'pairing')),
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  revoked_reason text,
  last_used_at  timestamptz
);
CREATE INDEX agent_tokens_agent_idx ON agent_tokens (agent_id, created_at DESC);

CREATE TABLE pairing_codes (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- HMAC-SHA256(TOKEN_PEPPER, normalised code)
  code_hash          bytea NOT NULL UNIQUE CHECK (octet_length(code_hash) = 32),
  agent_id           uuid NOT NULL REFERENCES agents (id),
  owner_user_id      text NOT NULL REFERENCES owners (user_id),
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  expires_at         timestamptz NOT NULL,
  consumed_at        timestamptz,
  consumed_token_id  uuid REFERENCES agent_tokens (id)
);
CREATE INDEX pairing_codes_agent_idx ON pairing_codes (agent_id);

-- Append-only: the trigger refuses UPDATE/DELETE/TRUNCATE for everyone (even the owner of
-- the table); the runtime role additionally holds no UPDATE/DELETE/TRUNCATE privilege.
CREATE TABLE audit_events (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  occurred_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_type     text NOT NULL CHECK (actor_type IN ('agent', 'user', 'service', 'system', 'anonymous')),
  actor_user_id  text,
  agent_id       uuid,
  owner_user_id  text,
  token_id       uuid,
  project_id     uuid,
  action         text NOT NULL,
  tool           text,
  outcome        text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'replayed', 'failed')),
  error_code     text,
  request_id     text NOT NULL,
  details        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at DESC, id DESC);
CREATE INDEX audit_events_agent_idx ON audit_events (agent_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_project_idx ON audit_events (project_id, occurred_at DESC, id DESC);
CREATE INDEX audit_events_owner_idx ON audit_events (owner_user_id, occurred_at DESC, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;

-- Fixed-window counters shared by every replica. UNLOGGED: losing counts on a crash only
-- resets windows, and it keeps the hot path off the WAL.
CREATE UNLOGGED TABLE rate_limit_counters (
  bucket        text NOT NULL,
  window_start  timestamptz NOT NULL,
  count         integer NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_counters_expiry_idx ON rate_limit_counters (expires_at);

-- The runtime role (where the server lets us create roles): normal DML everywhere, but
-- only SELECT/INSERT on audit_events. The gateway's pool SETs this role on connect.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nodedc_gateway_app') THEN
    BEGIN
      CREATE ROLE nodedc_gateway_app NOLOGIN;
    EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
      RAISE NOTICE 'nodedc_gateway_app not created: %', SQLERRM;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nodedc_gateway_app') THEN
    BEGIN
      EXECUTE format('GRANT nodedc_gateway_app TO %I', current_user);
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'membership in nodedc_gateway_app not granted: %', SQLERRM;
    END;
    GRANT USAGE ON SCHEMA public TO nodedc_gateway_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON owners, agents, grants, agent_tokens, pairing_codes, rate_limit_counters TO nodedc_gateway_app;
    GRANT SELECT, INSERT ON audit_events TO nodedc_gateway_app;
    GRANT SELECT ON schema_migrations TO nodedc_gateway_app;
    -- tables of later migrations (idempotency records, …) get normal DML by default
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO nodedc_gateway_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO nodedc_gateway_app;
  END IF;
END;
$$;
