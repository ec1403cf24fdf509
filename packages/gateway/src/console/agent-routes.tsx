/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { createGrantRequestSchema, updateAgentRequestSchema } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import { loadAgentFor } from "../agents/agent-access";
import { revokeAgentFor, updateAgentFor } from "../agents/agent-service";
import type { AgentRow } from "../agents/agent-store";
import { createGrant, removeGrantFor } from "../grants/grant-service";
import { HttpError } from "../http/http-error";
import { cancelPairingCodeFor, createPairingCodeFor } from "../pairing/pairing-service";
import { getPairingCodeStatus, pairingStatusView } from "../pairing/pairing-store";
import { revokeTokenFor } from "../tokens/token-service";
import type { ConsoleEnv } from "./console-env";
import { CONSOLE_PATH } from "./console-auth";
import { consoleContext, displayNameError } from "./console-context";
import { field, fieldList, readForm, submitOnce, type FormOutcome } from "./form-submission";
import { loadAgentPage, type PageExtras } from "./agent-page-data";
import type { CardRefResolver } from "./card-refs";
import { AgentPage } from "./pages/agent-page";

const uuid = z.uuid();

/** The agent page and every form on it; each action is one service call, as in the API. */
export function agentPageRoutes(deps: GatewayDeps, refs: CardRefResolver): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  const base = `${CONSOLE_PATH}/agents/:agent_id`;
  const page = (agent: AgentRow) => `${CONSOLE_PATH}/agents/${agent.id}`;
  const agentOf = (c: Context<ConsoleEnv>) => loadAgentFor(deps.sql, c.get("consoleSession").user, c.req.param("agent_id") ?? "");

  async function render(c: Context<ConsoleEnv>, agent: AgentRow, extras: PageExtras, status: ContentfulStatusCode = 200): Promise<Response> {
    const props = await loadAgentPage(deps, refs, {
      user: c.get("consoleSession").user,
      agent,
      nonce: c.get("cspNonce"),
      requestId: c.get("requestId"),
      activity: { outcome: c.req.query("outcome"), project: c.req.query("project"), cursor: c.req.query("cursor") },
      extras,
    });
    return c.html(<AgentPage {...props} />, status);
  }

  /** Runs one agent form once; a refusal of the service (403 …) is shown on the page, not as an error page. */
  const agentForm = (handle: (c: Context<ConsoleEnv>, agent: AgentRow, form: Record<string, string | string[]>) => Promise<FormOutcome>) => async (c: Context<ConsoleEnv>) => {
    const agent = await agentOf(c);
    const form = await readForm(c);
    return submitOnce(deps.sql, c, form, async () => {
      try {
        return await handle(c, agent, form);
      } catch (error) {
        if (error instanceof HttpError && (error.status === 403 || error.status === 422)) {
          return { response: await render(c, await agentOf(c), { error: error.message }, error.status as ContentfulStatusCode) };
        }
        throw error;
      }
    });
  };

  routes.get(base, async (c) => render(c, await agentOf(c), { notice: c.req.query("notice") }));

  routes.post(
    `${base}/status`,
    agentForm(async (c, agent, form) => {
      const status = field(form, "status");
      if (status !== "active" && status !== "paused") return { response: await render(c, agent, { error: "Choose pause or resume." }, 422) };
      await updateAgentFor(deps, consoleContext(c), agent, { status });
      return { redirect: `${page(agent)}?notice=${status === "paused" ? "agent_paused" : "agent_resumed"}` };
    }),
  );

  routes.post(
    `${base}/rename`,
    agentForm(async (c, agent, form) => {
      const value = field(form, "display_name");
      const parsed = updateAgentRequestSchema.safeParse({ display_name: value });
      if (!parsed.success) {
        return { response: await render(c, agent, { rename: { value, error: displayNameError(parsed.error) } }, 422) };
      }
      await updateAgentFor(deps, consoleContext(c), agent, parsed.data);
      return { redirect: `${page(agent)}?notice=agent_renamed` };
    }),
  );

  routes.post(
    `${base}/revoke`,
    agentForm(async (c, agent) => {
      await revokeAgentFor(deps, consoleContext(c), agent);
      return { redirect: `${page(agent)}?notice=agent_revoked` };
    }),
  );

  routes.post(
    `${base}/grants`,
    agentForm(async (c, agent, form) => {
      const values = { project_id: field(form, "project_id"), scopes: fieldList(form, "scopes") };
      const errors: { project?: string; scopes?: string } = {};
      if (!uuid.safeParse(values.project_id).success) errors.project = "Choose a project.";
      const parsed = createGrantRequestSchema.safeParse({ workspace_slug: deps.config.tasker.workspaceSlug, ...values });
      if (values.scopes.length === 0) errors.scopes = "Tick at least one scope.";
      else if (!parsed.success && parsed.error.issues.some((i) => i.path[0] === "scopes")) errors.scopes = "Tick only the scopes listed.";
      if (errors.project || errors.scopes || !parsed.success) return { response: await render(c, agent, { grantForm: { values, errors } }, 422) };
      try {
        await createGrant(deps, { user: c.get("consoleSession").user, agent, body: parsed.data, requestId: c.get("requestId"), via: "console" });
      } catch (error) {
        if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
          return { response: await render(c, agent, { grantForm: { values, errors: { project: error.status === 404 ? "This project does not exist in Tasker." : error.message } } }, 422) };
        }
        throw error;
      }
      return { redirect: `${page(agent)}?notice=grant_saved` };
    }),
  );

  /**
   * A row's button (RowAction): the row's id in the path, one service call that answers
   * null for an id that is not this agent's (→ the same 404 as anything else not yours).
   */
  const rowAction = (param: string, thing: string, act: (c: Context<ConsoleEnv>, agent: AgentRow, id: string) => Promise<unknown>, notice: string) =>
    agentForm(async (c, agent) => {
      const id = c.req.param(param) ?? "";
      if (!uuid.safeParse(id).success || !(await act(c, agent, id))) throw HttpError.notFound(`${thing} not found`);
      return { redirect: `${page(agent)}?notice=${notice}` };
    });

  routes.post(`${base}/grants/:grant_id/remove`, rowAction("grant_id", "grant", (c, agent, id) => removeGrantFor(deps, consoleContext(c), agent, id), "grant_removed"));

  routes.post(
    `${base}/pairing-codes`,
    agentForm(async (c, agent) => {
      const fresh = await createPairingCodeFor(deps, consoleContext(c), agent);
      c.header("Cache-Control", "no-store");
      // The code is in this answer only; a retried post is sent to the list instead.
      return { response: await render(c, agent, { fresh }, 200), retryLocation: `${page(agent)}?notice=code_already_created#connect` };
    }),
  );

  routes.post(
    `${base}/pairing-codes/:code_id/cancel`,
    rowAction("code_id", "pairing code", (c, agent, id) => cancelPairingCodeFor(deps, consoleContext(c), agent, id), "code_cancelled#connect"),
  );

  // Live status of one code for the page's script (polled; the code itself is never in it).
  routes.get(`${base}/pairing-codes/:code_id`, async (c) => {
    const agent = await agentOf(c);
    const codeId = c.req.param("code_id") ?? "";
    const row = uuid.safeParse(codeId).success ? await getPairingCodeStatus(deps.sql, agent.id, codeId) : null;
    if (!row) throw HttpError.notFound("pairing code not found");
    c.header("Cache-Control", "no-store");
    return c.json(pairingStatusView(row));
  });

  routes.post(`${base}/tokens/:token_id/revoke`, rowAction("token_id", "token", (c, agent, id) => revokeTokenFor(deps, consoleContext(c), agent, id), "token_revoked"));
  return routes;
}
