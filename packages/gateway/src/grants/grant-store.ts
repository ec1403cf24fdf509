import type { Sql, TransactionSql } from "postgres";
import type { Grant, Scope } from "@nodedc/shared";

type Db = Sql | TransactionSql;

export interface GrantRow {
  id: string;
  agent_id: string;
  workspace_slug: string;
  project_id: string;
  project_identifier: string | null;
  project_name: string | null;
  scopes: Scope[];
  created_at: Date;
}

export function grantView(row: GrantRow): Grant {
  return { ...row, created_at: row.created_at.toISOString() };
}

const COLUMNS = "id, agent_id, workspace_slug, project_id, project_identifier, project_name, scopes, created_at";

export async function listGrants(sql: Db, agentId: string): Promise<GrantRow[]> {
  return sql<GrantRow[]>`SELECT ${sql.unsafe(COLUMNS)} FROM grants WHERE agent_id = ${agentId} ORDER BY created_at, id`;
}

/** Grants of many agents in one query (the console's agents table). */
export async function listGrantsOfAgents(sql: Db, agentIds: string[]): Promise<GrantRow[]> {
  if (agentIds.length === 0) return [];
  return sql<GrantRow[]>`SELECT ${sql.unsafe(COLUMNS)} FROM grants WHERE agent_id = ANY(${agentIds}::uuid[]) ORDER BY created_at, id`;
}

/** One grant per agent and project: granting again replaces the scopes. */
export async function upsertGrant(
  sql: Db,
  input: Omit<GrantRow, "id" | "created_at"> & { created_by: string },
): Promise<{ row: GrantRow; created: boolean; previous_scopes: Scope[] | null }> {
  const [previous] = await sql<{ scopes: Scope[] }[]>`
    SELECT scopes FROM grants WHERE agent_id = ${input.agent_id} AND project_id = ${input.project_id} FOR UPDATE`;
  const [row] = await sql<GrantRow[]>`
    INSERT INTO grants (agent_id, workspace_slug, project_id, project_identifier, project_name, scopes, created_by)
    VALUES (${input.agent_id}, ${input.workspace_slug}, ${input.project_id}, ${input.project_identifier},
            ${input.project_name}, ${input.scopes}, ${input.created_by})
    ON CONFLICT (agent_id, project_id) DO UPDATE SET
      scopes = EXCLUDED.scopes, workspace_slug = EXCLUDED.workspace_slug,
      project_identifier = EXCLUDED.project_identifier, project_name = EXCLUDED.project_name, updated_at = now()
    RETURNING ${sql.unsafe(COLUMNS)}`;
  return { row: row!, created: !previous, previous_scopes: previous?.scopes ?? null };
}

export async function deleteGrant(sql: Db, agentId: string, grantId: string): Promise<GrantRow | null> {
  const [row] = await sql<GrantRow[]>`DELETE FROM grants WHERE id = ${grantId} AND agent_id = ${agentId} RETURNING ${sql.unsafe(COLUMNS)}`;
  return row ?? null;
}
