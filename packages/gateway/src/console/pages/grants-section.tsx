/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { SCOPES } from "@nodedc/shared";
import type { GrantRow } from "../../grants/grant-store";
import { SCOPE_HELP } from "./format";
import { FieldError, FormError, invalidAttrs, NonceField } from "./layout";
import { DataTable } from "./data-table";
import { RowAction } from "./row-action";

export interface GrantsSectionProps {
  agentId: string;
  revoked: boolean;
  grants: GrantRow[];
  /** The owner's Tasker projects (active member); null when Tasker could not be asked. */
  projects: { id: string; identifier: string; name: string }[] | null;
  values?: { project_id: string; scopes: string[] } | undefined;
  errors?: { project?: string | undefined; scopes?: string | undefined; form?: string | undefined } | undefined;
}

export function GrantsSection(props: GrantsSectionProps) {
  const base = `/console/agents/${props.agentId}`;
  const chosen = new Set(props.values?.scopes ?? ["cards:read"]);
  const errors = props.errors ?? {};
  return (
    <section aria-labelledby="grants-heading">
      <h2 id="grants-heading">Grants</h2>
      <p>The agent may act only in these projects, with these scopes, and never beyond your own rights in Tasker.</p>
      {props.grants.length === 0 ? (
        <p>No project granted yet: the agent cannot read or change anything.</p>
      ) : (
        <DataTable caption="Granted projects" captionId="grants-caption" columns={["Identifier", "Name", "Scopes", "Action"]}>
          {props.grants.map((g) => (
            <tr>
              <th scope="row">{g.project_identifier ?? g.project_id}</th>
              <td>{g.project_name ?? "—"}</td>
              <td>{g.scopes.join(", ")}</td>
              <td>
                <RowAction action={`${base}/grants/${g.id}/remove`} label="Remove grant" />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {props.revoked ? null : (
        <form method="post" action={`${base}/grants`} class="card" data-enhance>
          <NonceField />
          <FormError message={errors.form} />
          <label for="grant-project">Project</label>
          {props.projects === null ? (
            <p class="field-error" id="grant-project-error">
              Tasker could not be reached to list your projects. Reload the page in a moment.
            </p>
          ) : null}
          <select
            id="grant-project"
            name="project_id"
            {...invalidAttrs("grant-project-field-error", errors.project)}
          >
            <option value="">Choose a project</option>
            {(props.projects ?? []).map((p) => (
              <option value={p.id} selected={props.values?.project_id === p.id}>
                {`${p.identifier} — ${p.name}`}
              </option>
            ))}
          </select>
          <FieldError id="grant-project-field-error" message={errors.project} />
          <fieldset aria-describedby={errors.scopes ? "grant-scopes-error" : undefined}>
            <legend>Scopes</legend>
            {SCOPES.map((scope) => (
              <div class="check">
                <input type="checkbox" id={`scope-${scope.replace(":", "-")}`} name="scopes" value={scope} checked={chosen.has(scope)} />
                <label for={`scope-${scope.replace(":", "-")}`}>
                  {scope} — {SCOPE_HELP[scope] ?? ""}
                </label>
              </div>
            ))}
            <FieldError id="grant-scopes-error" message={errors.scopes} />
          </fieldset>
          <button type="submit">Grant project</button>
        </form>
      )}
    </section>
  );
}
