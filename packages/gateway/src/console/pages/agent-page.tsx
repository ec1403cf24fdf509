/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { LauncherUser } from "../../auth/launcher-jwt";
import type { AgentRow } from "../../agents/agent-store";
import { CONNECTION_TEXT, formatTime } from "./format";
import { FieldError, FormError, invalidAttrs, Layout, NonceField } from "./layout";
import { RowAction } from "./row-action";
import { GrantsSection, type GrantsSectionProps } from "./grants-section";
import { ConnectSection, type ConnectSectionProps } from "./connect-section";
import { TokensSection, type TokensSectionProps } from "./tokens-section";
import { ActivitySection, type ActivitySectionProps } from "./activity-section";

export interface AgentPageProps {
  nonce: string;
  user: LauncherUser;
  agent: AgentRow;
  notice?: string | undefined;
  rename?: { value: string; error: string } | undefined;
  /** Action-level refusal (e.g. a revoked agent cannot be paused). */
  error?: string | undefined;
  grants: GrantsSectionProps;
  connect: ConnectSectionProps;
  tokens: TokensSectionProps;
  activity: ActivitySectionProps;
}

/** One agent: lifecycle buttons, then Grants, Connect a device, Tokens and Activity. */
export function AgentPage(props: AgentPageProps) {
  const { agent } = props;
  const revoked = agent.stored_status === "revoked";
  const base = `/console/agents/${agent.id}`;
  return (
    <Layout title={agent.display_name} nonce={props.nonce} user={props.user} notice={props.notice}>
      <p class="crumbs">
        <a href="/console">All agents</a>
      </p>
      <h1>{agent.display_name}</h1>
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`badge status-${agent.status}`}>{agent.status}</span>
          </dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd>
            <span class={`badge conn-${agent.connection_status}`}>{CONNECTION_TEXT[agent.connection_status]}</span>
          </dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>{formatTime(agent.last_seen_at)}</dd>
        </div>
        <div>
          <dt>Owner</dt>
          <dd>{agent.owner_user_id}</dd>
        </div>
      </dl>
      <FormError message={props.error} />
      {revoked ? (
        <p class="revoked-note">This agent is revoked for good. Nothing can be changed; create a new agent instead.</p>
      ) : (
        <div class="lifecycle">
          <RowAction
            action={`${base}/status`}
            fields={{ status: agent.stored_status === "paused" ? "active" : "paused" }}
            label={agent.stored_status === "paused" ? "Resume agent" : "Pause agent"}
          />
          <form method="post" action={`${base}/rename`} class="inline" data-enhance>
            <NonceField />
            <label for="new-name">New name</label>
            <input
              id="new-name"
              name="display_name"
              maxlength={120}
              value={props.rename?.value ?? agent.display_name}
              {...invalidAttrs("new-name-error", props.rename?.error)}
            />
            <button type="submit">Rename agent</button>
            <FieldError id="new-name-error" message={props.rename?.error} />
          </form>
          <button type="button" class="danger" id="revoke-open" aria-haspopup="dialog" aria-controls="revoke-dialog">
            Revoke agent
          </button>
          <dialog id="revoke-dialog" aria-labelledby="revoke-title">
            <h2 id="revoke-title">Revoke {agent.display_name}?</h2>
            <p>The agent and every token it holds stop working at once. This cannot be undone.</p>
            <form method="post" action={`${base}/revoke`} data-enhance>
              <NonceField />
              <button type="submit" class="danger">
                Revoke permanently
              </button>
              <button type="button" id="revoke-cancel">
                Keep the agent
              </button>
            </form>
          </dialog>
        </div>
      )}
      <GrantsSection {...props.grants} />
      <ConnectSection {...props.connect} />
      <TokensSection {...props.tokens} />
      <ActivitySection {...props.activity} />
    </Layout>
  );
}
