import type { SessionGrant } from "@nodedc/shared";

/** One line per granted project: `DEMO  Demo project  cards:read, cards:write  (uuid)`. */
export function describeGrantLines(grants: SessionGrant[]): string[] {
  return grants.map(
    (g) => `${(g.project_identifier ?? "—").padEnd(6)} ${g.project_name ?? g.project_id}  ${g.scopes.join(", ")}  (${g.workspace_slug}/${g.project_id})`,
  );
}
