-- 0108_audit_sealing: the tamper-evident layer over audit_events (DESIGN §15). A sealer
-- (src/audit/sealing/) appends RFC 6962 leaf hashes of whole event rows to a Merkle tree
-- and writes Ed25519-signed checkpoints that chain to each other. Like the events, the
-- leaves, tree nodes, checkpoints and public keys are append-only for everyone the
-- trigger binds, and the runtime role holds no UPDATE/DELETE/TRUNCATE on them.

-- Events waiting to be sealed. A row appears when its event COMMITS (same transaction),
-- so events that commit out of timestamp order are neither skipped nor sealed twice: the
-- sealer takes whatever is visible here and deletes what it sealed, in one transaction.
CREATE TABLE audit_seal_queue (
  event_id  uuid PRIMARY KEY
);
CREATE FUNCTION audit_events_queue_for_sealing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_seal_queue (event_id) SELECT id FROM new_events;
  RETURN NULL;
END
$$;
-- one statement-level insert per INSERT statement (the audit batcher's multi-row inserts included)
CREATE TRIGGER audit_events_seal_queue AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_queue_for_sealing();
INSERT INTO audit_seal_queue (event_id) SELECT id FROM audit_events;

-- Public halves of every key that ever signed a checkpoint (key rotation: old checkpoints
-- keep verifying by key_id). key_id = first 16 hex of SHA-256 of the raw 32-byte key.
CREATE TABLE audit_signing_keys (
  key_id      text PRIMARY KEY,
  public_key  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Signed tree heads. `frontier` is the compact range (perfect-subtree roots) of the tree
-- at tree_size: the next seal extends it without rereading the leaves; it is checked
-- against root_hash before use.
CREATE TABLE audit_checkpoints (
  seq                   bigint PRIMARY KEY CHECK (seq >= 1),
  tree_size             bigint NOT NULL CHECK (tree_size >= 1),
  root_hash             bytea NOT NULL,
  prev_checkpoint_hash  bytea NOT NULL,
  sealed_at             timestamptz NOT NULL,
  key_id                text NOT NULL REFERENCES audit_signing_keys (key_id),
  signature             bytea NOT NULL,
  frontier              bytea[] NOT NULL
);
CREATE UNIQUE INDEX audit_checkpoints_tree_size_idx ON audit_checkpoints (tree_size);

-- Leaf i of the tree: the event and SHA-256(0x00 || canonical row).
CREATE TABLE audit_leaves (
  leaf_index  bigint PRIMARY KEY CHECK (leaf_index >= 0),
  event_id    uuid NOT NULL UNIQUE,
  leaf_hash   bytea NOT NULL
);

-- Completed perfect subtrees of 2^level leaves (level ≥ 1), for inclusion proofs in
-- O(log n) lookups.
CREATE TABLE audit_tree_nodes (
  level       smallint NOT NULL CHECK (level >= 1),
  node_index  bigint NOT NULL CHECK (node_index >= 0),
  hash        bytea NOT NULL,
  PRIMARY KEY (level, node_index)
);

CREATE FUNCTION audit_seal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_signing_keys_append_only BEFORE UPDATE OR DELETE ON audit_signing_keys
  FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_signing_keys_no_truncate BEFORE TRUNCATE ON audit_signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_leaves_append_only BEFORE UPDATE OR DELETE ON audit_leaves
  FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_leaves_no_truncate BEFORE TRUNCATE ON audit_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_tree_nodes_append_only BEFORE UPDATE OR DELETE ON audit_tree_nodes
  FOR EACH ROW EXECUTE FUNCTION audit_seal_append_only();
CREATE TRIGGER audit_tree_nodes_no_truncate BEFORE TRUNCATE ON audit_tree_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION audit_seal_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_signing_keys, audit_checkpoints, audit_leaves, audit_tree_nodes FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nodedc_gateway_app') THEN
    -- the default privileges of 0001 grant UPDATE/DELETE on new tables: take them back here
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_signing_keys, audit_checkpoints, audit_leaves, audit_tree_nodes FROM nodedc_gateway_app;
    GRANT SELECT, INSERT ON audit_signing_keys, audit_checkpoints, audit_leaves, audit_tree_nodes TO nodedc_gateway_app;
    GRANT SELECT, INSERT, DELETE ON audit_seal_queue TO nodedc_gateway_app;
    REVOKE UPDATE, TRUNCATE ON audit_seal_queue FROM nodedc_gateway_app;
  END IF;
END
$$;
