-- 0107_token_rotation: an agent token can be replaced by a successor without a new pairing
-- (DESIGN §14). The predecessor stays valid until the successor is first used; then it is
-- `rotated`, and presenting it again revokes the whole chain (src/tokens/rotation-store.ts).
-- Every UPDATE here moves auth_epoch through the trigger of 0102, so caches on every replica
-- refuse a rotated token on its very next call.
ALTER TABLE agent_tokens DROP CONSTRAINT agent_tokens_created_via_check;
ALTER TABLE agent_tokens ADD CONSTRAINT agent_tokens_created_via_check
  CHECK (created_via IN ('issue', 'pairing', 'rotation'));

ALTER TABLE agent_tokens
  -- the token this one replaces (a rotation successor); null for issued and paired tokens
  ADD COLUMN replaces_token_id uuid REFERENCES agent_tokens (id),
  -- when this token's successor was first used: from then on this token is refused
  ADD COLUMN rotated_at timestamptz,
  -- first use of a rotation successor (null while it is unused)
  ADD COLUMN activated_at timestamptz,
  -- where the rotation was asked for, and where the successor was first used (for the
  -- reuse audit event: the IPs involved)
  ADD COLUMN created_ip text,
  ADD COLUMN activated_ip text,
  -- Idempotency-Key of the rotation that minted this successor, and the successor sealed
  -- with a key derived from the PREDECESSOR token (HKDF-SHA256 + AES-256-GCM,
  -- src/tokens/replay-seal.ts): only the holder of the old token can open it, so a retry of
  -- a rotation whose answer was lost gets the same successor. Cleared at first use.
  ADD COLUMN rotation_idempotency_key text,
  ADD COLUMN rotation_replay bytea;

-- At most one live successor per token: a rotation with another key supersedes (revokes)
-- the unused one before it inserts.
CREATE UNIQUE INDEX agent_tokens_one_live_successor ON agent_tokens (replaces_token_id)
  WHERE replaces_token_id IS NOT NULL AND revoked_at IS NULL;
