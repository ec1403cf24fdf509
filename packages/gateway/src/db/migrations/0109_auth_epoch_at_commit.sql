-- 0109_auth_epoch_at_commit: the auth epoch moves when the changing transaction commits.
-- 0102's row triggers updated the single auth_epoch row in the middle of a transaction, so
-- two transactions that change one agent's rows in another order (the owner revoking the
-- agent while a token revokes itself, a pause, a rotation) each held a row the other then
-- waited for: a deadlock, answered 500. Deferred to commit, the epoch row is the last lock
-- a transaction takes, so it can only wait, never close a cycle. The change and the new
-- epoch still become visible together: the deferred trigger runs inside the commit.
DROP TRIGGER agent_tokens_auth_epoch ON agent_tokens;
DROP TRIGGER agent_tokens_auth_epoch_delete ON agent_tokens;
DROP TRIGGER agents_auth_epoch ON agents;
DROP TRIGGER agents_auth_epoch_delete ON agents;
DROP TRIGGER owners_auth_epoch ON owners;
DROP TRIGGER grants_auth_epoch ON grants;

CREATE CONSTRAINT TRIGGER agent_tokens_auth_epoch AFTER UPDATE ON agent_tokens
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
  EXECUTE FUNCTION bump_auth_epoch();
CREATE CONSTRAINT TRIGGER agent_tokens_auth_epoch_delete AFTER DELETE ON agent_tokens
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

CREATE CONSTRAINT TRIGGER agents_auth_epoch AFTER UPDATE ON agents
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at'))
  EXECUTE FUNCTION bump_auth_epoch();
CREATE CONSTRAINT TRIGGER agents_auth_epoch_delete AFTER DELETE ON agents
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

CREATE CONSTRAINT TRIGGER owners_auth_epoch AFTER UPDATE OR DELETE ON owners
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();

CREATE CONSTRAINT TRIGGER grants_auth_epoch AFTER INSERT OR UPDATE OR DELETE ON grants
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION bump_auth_epoch();
