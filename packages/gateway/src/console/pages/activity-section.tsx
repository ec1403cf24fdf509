/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { AUDIT_OUTCOMES } from "@nodedc/shared";
import { formatTime } from "./format";
import { FieldError, invalidAttrs } from "./layout";
import { DataTable } from "./data-table";
import { LoadMore } from "./load-more";

export interface CardRef {
  label: string;
  url: string | null;
}

export interface ActivityLine {
  id: string;
  occurred_at: Date;
  action: string;
  project: string | null;
  outcome: string;
  error_code: string | null;
  actor: string;
  card: CardRef | null;
  /** The checkpoint that sealed this event, null until the sealer has run. */
  sealedIn: number | null;
}

export interface CardSessionLine {
  card: CardRef;
  status: string;
  summary: string;
  updated_at: Date;
}

export interface ActivitySectionProps {
  agentId: string;
  lines: ActivityLine[];
  nextCursor: string | null;
  filters: { outcome: string | null; project: string | null };
  filterErrors: { outcome?: string | undefined; project?: string | undefined };
  projects: { id: string; label: string }[];
  sessions: CardSessionLine[];
}

function CardCell(props: { card: CardRef | null }) {
  if (!props.card) return <>—</>;
  return props.card.url ? <a href={props.card.url}>{props.card.label}</a> : <>{props.card.label}</>;
}

export function ActivitySection(props: ActivitySectionProps) {
  const base = `/console/agents/${props.agentId}`;
  const query = (extra: Record<string, string>) =>
    new URLSearchParams({ ...(props.filters.outcome ? { outcome: props.filters.outcome } : {}), ...(props.filters.project ? { project: props.filters.project } : {}), ...extra }).toString();
  return (
    <section aria-labelledby="activity-heading" id="activity">
      <h2 id="activity-heading">Activity</h2>
      {props.sessions.length > 0 ? (
        <>
          <h3>Card sessions</h3>
          <DataTable caption="Card sessions" columns={["Card", "Session", "Summary", "Updated"]}>
            {props.sessions.map((s) => (
              <tr>
                <th scope="row">
                  <CardCell card={s.card} />
                </th>
                <td>
                  <span class={`badge session-${s.status}`}>{s.status}</span>
                </td>
                <td>{s.summary}</td>
                <td>{formatTime(s.updated_at)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
      <form method="get" action={`${base}#activity`} class="filters">
        <div>
          <label for="filter-outcome">Outcome</label>
          <select id="filter-outcome" name="outcome" {...invalidAttrs("filter-outcome-error", props.filterErrors.outcome)}>
            <option value="">Any outcome</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option value={o} selected={props.filters.outcome === o}>
                {o}
              </option>
            ))}
          </select>
          <FieldError id="filter-outcome-error" message={props.filterErrors.outcome} />
        </div>
        <div>
          <label for="filter-project">Limit to</label>
          <select id="filter-project" name="project" {...invalidAttrs("filter-project-error", props.filterErrors.project)}>
            <option value="">Everywhere</option>
            {props.projects.map((p) => (
              <option value={p.id} selected={props.filters.project === p.id}>
                {p.label}
              </option>
            ))}
          </select>
          <FieldError id="filter-project-error" message={props.filterErrors.project} />
        </div>
        <button type="submit">Filter activity</button>
      </form>
      <DataTable caption="Activity" id="activity-table" columns={["Time", "Action", "Who", "Where", "Outcome", "Card", "Sealed"]}>
        {props.lines.length === 0 ? (
          <tr>
            <td colspan={7}>Nothing recorded{props.filters.outcome || props.filters.project ? " for this filter" : " yet"}.</td>
          </tr>
        ) : (
          props.lines.map((l) => (
            <tr>
              <td>
                <time datetime={l.occurred_at.toISOString()}>{formatTime(l.occurred_at)}</time>
              </td>
              <td>
                <code>{l.action}</code>
              </td>
              <td>{l.actor}</td>
              <td>{l.project ?? "—"}</td>
              <td>
                <span class={`badge outcome-${l.outcome}`}>{l.outcome}</span>
                {l.error_code ? ` (${l.error_code})` : ""}
              </td>
              <td>
                <CardCell card={l.card} />
              </td>
              <td>{l.sealedIn !== null ? `sealed in checkpoint #${l.sealedIn}` : "not sealed yet"}</td>
            </tr>
          ))
        )}
      </DataTable>
      {props.nextCursor ? <LoadMore tableId="activity-table" href={`${base}?${query({ cursor: props.nextCursor })}#activity`} label="Load more activity" /> : null}
    </section>
  );
}
