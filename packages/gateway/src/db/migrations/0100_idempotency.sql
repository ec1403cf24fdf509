-- 0100_idempotency: one row per (agent, Idempotency-Key) of a write tool call (DESIGN §8).
-- The row's id doubles as the Tasker external_id of what the call creates, so a retry after
-- a timeout or a crash finds the card or comment instead of making a second one.
CREATE TABLE idempotency_records (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id          uuid NOT NULL,
  idempotency_key   text NOT NULL CHECK (idempotency_key ~ '^[A-Za-z0-9._:-]{8,128}$'),
  tool              text NOT NULL,
  -- sha256 of tool + canonical JSON of the arguments (without the key)
  request_hash      text NOT NULL,
  status            text NOT NULL DEFAULT 'in_flight' CHECK (status IN ('in_flight', 'completed')),
  -- while in_flight: the holder's claim ends here; an expired lease may be taken over
  lease_expires_at  timestamptz NOT NULL,
  -- how many times the call was claimed (> 1: a retry that must reconcile with Tasker)
  attempts          integer NOT NULL DEFAULT 1,
  -- request id of the current (or completing) attempt, to correlate with audit events
  request_id        text NOT NULL,
  -- reconciliation notes of the handler (e.g. update_card's previous values)
  progress          jsonb NOT NULL DEFAULT '{}'::jsonb,
  response_status   integer,
  -- the exact JSON text sent the first time, replayed byte for byte
  response_body     text,
  -- the card the call touched, for get_recent_activity
  card_id           uuid,
  project_id        uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz,
  UNIQUE (agent_id, idempotency_key),
  CHECK ((status = 'completed') = (response_body IS NOT NULL))
);
CREATE INDEX idempotency_records_created_idx ON idempotency_records (created_at);
