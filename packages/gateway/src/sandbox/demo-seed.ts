import type { Sql } from "postgres";
import { formatPairingCode, type Scope } from "@nodedc/shared";
import type { TaskerAdapter } from "../tasker/types";
import { upsertOwnerFromLogin } from "../owners/owner-store";
import { insertAgent } from "../agents/agent-store";
import { upsertGrant } from "../grants/grant-store";
import { createPairingCode } from "../pairing/pairing-store";
import { recordAudit } from "../audit/record-audit";
import { pairCommand } from "../pairing/pairing-service";

/** The sandbox's demo identities (DESIGN §11). The email is the sandbox's DEMO/OPS member. */
export const DEMO_OWNER = { user_id: "demo-owner", email: "demo.owner@nodedc.local" } as const;
export const DEMO_AGENT_NAME = "Demo agent";
const DEMO_GRANTS: { identifier: "DEMO" | "OPS"; scopes: Scope[] }[] = [
  { identifier: "DEMO", scopes: ["cards:read", "cards:write", "comments:write", "sessions:report"] },
  { identifier: "OPS", scopes: ["cards:read"] },
];

export interface DemoSeed {
  agentId: string;
  code: string;
  command: string;
  expiresAt: Date;
}

/**
 * Idempotent: reuses the demo agent across restarts (embedded data persists under .data/),
 * refreshes its grants, and mints a fresh pairing code each boot.
 */
export async function seedDemo(sql: Sql, adapter: TaskerAdapter, pepper: string, publicUrl: string): Promise<DemoSeed> {
  const ctx = { agent_id: "00000000-0000-0000-0000-000000000000", request_id: "sandbox-seed" };
  await upsertOwnerFromLogin(sql, DEMO_OWNER.user_id, DEMO_OWNER.email);
  const [existing] = await sql<{ id: string }[]>`
    SELECT id FROM agents WHERE owner_user_id = ${DEMO_OWNER.user_id} AND display_name = ${DEMO_AGENT_NAME} AND status <> 'revoked'
    ORDER BY created_at LIMIT 1`;
  const agentId = existing?.id ?? (await insertAgent(sql, DEMO_OWNER.user_id, DEMO_AGENT_NAME, "sandbox-seed")).id;
  if (!existing) {
    await recordAudit(sql, { actor_type: "system", agent_id: agentId, owner_user_id: DEMO_OWNER.user_id, action: "agent.create", outcome: "allowed", request_id: "sandbox-seed", details: { display_name: DEMO_AGENT_NAME, seed: true } });
  }
  const projects = await adapter.listProjects({ ...ctx, agent_id: agentId });
  for (const g of DEMO_GRANTS) {
    const project = projects.find((p) => p.identifier === g.identifier);
    if (!project) continue;
    await upsertGrant(sql, {
      agent_id: agentId,
      workspace_slug: "nodedc",
      project_id: project.id,
      project_identifier: project.identifier,
      project_name: project.name,
      scopes: g.scopes,
      created_by: "sandbox-seed",
    });
  }
  const created = await createPairingCode(sql, pepper, { agent_id: agentId, owner_user_id: DEMO_OWNER.user_id, created_by: "sandbox-seed" });
  return { agentId, code: formatPairingCode(created.code), command: pairCommand(created.code, publicUrl), expiresAt: created.expires_at };
}
