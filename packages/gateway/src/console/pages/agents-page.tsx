/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { LauncherUser } from "../../auth/launcher-jwt";
import type { AgentRow } from "../../agents/agent-store";
import type { OwnerRow } from "../../owners/owner-store";
import { CONNECTION_TEXT, clientText, formatTime, isoOf } from "./format";
import { FieldError, invalidAttrs, Layout, NonceField } from "./layout";
import { DataTable } from "./data-table";
import { RowAction } from "./row-action";
import { LoadMore } from "./load-more";

export interface AgentOverview {
  agent: AgentRow;
  projects: string[];
  devices: { device_name: string | null; client: { name: string; version: string; platform: string } | null }[];
}

export interface AgentsPageProps {
  nonce: string;
  user: LauncherUser;
  agents: AgentOverview[];
  nextCursor: string | null;
  notice?: string | undefined;
  newAgent: { value?: string | undefined; error?: string | undefined };
  /** Platform admins only. */
  admin?: { owners: (OwnerRow & { agent_count: number })[]; ownerFilter: string | null } | undefined;
}

export function AgentsPage(props: AgentsPageProps) {
  const { admin } = props;
  const open = props.newAgent.error !== undefined;
  return (
    <Layout title="Agents" nonce={props.nonce} user={props.user} notice={props.notice}>
      <h1>Agents</h1>
      <p>Each agent is one identity of a coding agent (for example “Anna's Codex on laptop”). It acts only in the projects you grant it, and everything it does is listed on its page.</p>
      <div class="actions">
        <button type="button" id="new-agent-toggle" aria-expanded={open ? "true" : "false"} aria-controls="new-agent">
          New agent
        </button>
      </div>
      <form id="new-agent" method="post" action="/console/agents" class="card" data-enhance data-collapsible={open ? undefined : "closed"}>
        <NonceField />
        <label for="agent-name">Agent name</label>
        <input
          id="agent-name"
          name="display_name"
          maxlength={120}
          value={props.newAgent.value ?? ""}
          {...invalidAttrs("agent-name-error", props.newAgent.error)}
        />
        <FieldError id="agent-name-error" message={props.newAgent.error} />
        <button type="submit">Create agent</button>
      </form>
      {admin ? (
        <form method="get" action="/console" class="filters">
          <label for="owner-filter">Show agents of</label>
          <select id="owner-filter" name="owner">
            <option value="">All owners</option>
            {admin.owners.map((o) => (
              <option value={o.user_id} selected={admin.ownerFilter === o.user_id}>
                {o.email ? `${o.email} (${o.user_id})` : o.user_id}
              </option>
            ))}
          </select>
          <button type="submit">Show agents</button>
        </form>
      ) : null}
      <DataTable caption="Agents" id="agents-table" columns={["Name", ...(admin ? ["Owner"] : []), "Status", "Connection", "Last seen", "Projects", "Devices"]}>
        {props.agents.length === 0 ? (
          <tr>
            <td colspan={admin ? 7 : 6}>No agents yet. Press “New agent” to make one.</td>
          </tr>
        ) : (
          props.agents.map(({ agent, projects, devices }) => (
            <tr>
              <th scope="row">
                <a href={`/console/agents/${agent.id}`}>{agent.display_name}</a>
              </th>
              {admin ? <td>{agent.owner_user_id}</td> : null}
              <td>
                <span class={`badge status-${agent.status}`}>{agent.status}</span>
              </td>
              <td>
                <span class={`badge conn-${agent.connection_status}`}>{CONNECTION_TEXT[agent.connection_status]}</span>
              </td>
              <td>{agent.last_seen_at ? <time datetime={isoOf(agent.last_seen_at)}>{formatTime(agent.last_seen_at)}</time> : "never"}</td>
              <td>{projects.length ? projects.join(", ") : "none"}</td>
              <td>{devices.length ? devices.map((d) => `${d.device_name ?? "unnamed device"} — ${clientText(d.client)}`).join("; ") : "none"}</td>
            </tr>
          ))
        )}
      </DataTable>
      {props.nextCursor ? (
        <LoadMore
          tableId="agents-table"
          href={`/console?${new URLSearchParams({ ...(admin?.ownerFilter ? { owner: admin.ownerFilter } : {}), cursor: props.nextCursor }).toString()}`}
          label="More agents"
        />
      ) : null}
      {admin ? <OwnersSection owners={admin.owners} /> : null}
    </Layout>
  );
}

function OwnersSection(props: { owners: (OwnerRow & { agent_count: number })[] }) {
  return (
    <section aria-labelledby="owners-heading">
      <h2 id="owners-heading">Owners</h2>
      <p>Blocking an owner suspends every agent of theirs at its next call; reactivating lifts the block.</p>
      <DataTable caption="Owners" columns={["Owner", "Email", "Status", "Agents", "Action"]}>
        {props.owners.map((o) => (
          <tr>
            <th scope="row">{o.user_id}</th>
            <td>{o.email ?? "—"}</td>
            <td>
              <span class={`badge owner-${o.status}`}>{o.status}</span>
            </td>
            <td>{o.agent_count}</td>
            <td>
              {o.status === "annulled" ? (
                "annulled for good"
              ) : (
                <RowAction
                  action={`/console/owners/${encodeURIComponent(o.user_id)}/status`}
                  fields={{ status: o.status === "active" ? "blocked" : "active" }}
                  label={o.status === "active" ? "Block owner" : "Reactivate owner"}
                />
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
