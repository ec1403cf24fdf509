/** An owner, an agent, its grants and a token, through the gateway's internal API (DESIGN §3). */
import type { SandboxInfo } from "../lib/context.ts";
import { benchInputs } from "../lib/context.ts";
import { request } from "../lib/http.ts";
import { launcherJwt } from "../lib/jwt.ts";

export interface AgentCredentials {
  agentId: string;
  token: string;
}

async function post(base: string, path: string, jwt: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await request(base, "POST", path, { authorization: `Bearer ${jwt}`, accept: "application/json" }, JSON.stringify(body));
  if (r.status < 200 || r.status > 299) throw new Error(`POST ${path}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/** The owner is the sandbox's demo owner (matched by email, a member of DEMO and OPS). */
export async function createBenchAgent(gatewayUrl: string, jwtSecret: string, s: SandboxInfo, name = "pnpm bench"): Promise<AgentCredentials> {
  const inp = benchInputs(s);
  const owner = s.fixture.users.demoOwner!;
  const jwt = launcherJwt(jwtSecret, { sub: "bench-owner", email: owner.email, role: "user" });
  const agent = await post(gatewayUrl, "/api/v1/agents", jwt, { display_name: name });
  const agentId = String(agent.id);
  await post(gatewayUrl, `/api/v1/agents/${agentId}/grants`, jwt, { workspace_slug: inp.slug, project_id: inp.readProject.id, scopes: ["cards:read"] });
  await post(gatewayUrl, `/api/v1/agents/${agentId}/grants`, jwt, {
    workspace_slug: inp.slug,
    project_id: inp.writeProject.id,
    scopes: ["cards:read", "cards:write", "comments:write"],
  });
  const issued = await post(gatewayUrl, `/api/v1/agents/${agentId}/tokens`, jwt, { name: "bench" });
  return { agentId, token: String(issued.token) };
}
