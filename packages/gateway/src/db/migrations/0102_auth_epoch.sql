-- 0102_auth_epoch: one counter that moves whenever anything agent auth depends on changes.
-- Gateways keep agent-auth rows in memory and trust one only while this counter still has
-- the value it was read with; every tool call reads the counter in the statement that
-- counts its rate limits (src/auth/auth-cache.ts). The triggers run in the transaction of
-- the change, so the change and the new epoch become visible together, on every replica.
CREATE TABLE auth_epoch (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch      bigint NOT NULL
);
INSERT INTO auth_epoch (singleton, epoch) VALUES (true, 1);

CREATE FUNCTION bump_auth_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_epoch SET epoch = epoch + 1;
  RETURN NULL;
END
$$;

-- Last-used and last-seen times are written by agent requests themselves (throttled) and
-- decide nothing: they must not move the epoch, or every agent would flush every cache.
CREATE TRIGGER agent_tokens_auth_epoch AFTER UPDATE ON agent_tokens FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
  EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER agent_tokens_auth_epoch_delete AFTER DELETE ON agent_tokens FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

CREATE TRIGGER agents_auth_epoch AFTER UPDATE ON agents FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at'))
  EXECUTE FUNCTION bump_auth_epoch();
CREATE TRIGGER agents_auth_epoch_delete AFTER DELETE ON agents FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

CREATE TRIGGER owners_auth_epoch AFTER UPDATE OR DELETE ON owners FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

CREATE TRIGGER grants_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON grants FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

-- Runtime role: it reads the epoch and its triggers update it (default privileges of 0001
-- already cover tables created by the migrating user; this says it where it matters).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nodedc_gateway_app') THEN
    GRANT SELECT, UPDATE ON auth_epoch TO nodedc_gateway_app;
  END IF;
END
$$;
