-- 0101_sessions: the latest report_session state of each agent on each card.
CREATE TABLE agent_card_sessions (
  agent_id      uuid NOT NULL,
  card_id       uuid NOT NULL,
  project_id    uuid NOT NULL,
  status        text NOT NULL CHECK (status IN ('started', 'progress', 'blocked', 'completed')),
  summary       text NOT NULL,
  comment_id    uuid,
  request_id    text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agent_id, card_id)
);
CREATE INDEX agent_card_sessions_card_idx ON agent_card_sessions (card_id, updated_at DESC);
CREATE INDEX agent_card_sessions_project_idx ON agent_card_sessions (project_id, updated_at DESC);
