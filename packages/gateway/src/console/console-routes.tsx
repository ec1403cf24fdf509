/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { readFileSync } from "node:fs";
import { Hono, type Context } from "hono";
import { createAgentRequestSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { JwtVerifier } from "../auth/launcher-jwt";
import { listAgents } from "../agents/agent-store";
import { createAgentFor } from "../agents/agent-service";
import { pageOf } from "../http/cursor";
import { cursorFromQuery } from "./page-cursor";
import { HttpError } from "../http/http-error";
import { listGrantsOfAgents } from "../grants/grant-store";
import { listActiveDevicesOfAgents } from "../tokens/token-store";
import { listOwners } from "../owners/owner-store";
import { DEMO_OWNER } from "../sandbox/demo-seed";
import type { ConsoleEnv } from "./console-env";
import { consoleSecurityHeaders } from "./security-headers";
import { originGuard } from "./origin-guard";
import { CONSOLE_PATH, currentSession, openSession, requireConsoleSession, signIn, SignInRefused, signOut, type ConsoleAuthDeps } from "./console-auth";
import { consoleOnError } from "./console-errors";
import { field, readForm, submitOnce } from "./form-submission";
import { consoleContext, displayNameError } from "./console-context";
import { agentPageRoutes } from "./agent-routes";
import { adminRoutes } from "./admin-routes";
import { SignInPage } from "./pages/sign-in-page";
import { AgentsPage, type AgentsPageProps } from "./pages/agents-page";
import { CardRefResolver } from "./card-refs";

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), "utf8");

export interface ConsoleDeps extends GatewayDeps {
  verifyJwt: JwtVerifier;
}

/**
 * The owner console (DESIGN §13) at /console: server-rendered pages over the same services
 * as the internal API, a session cookie instead of a bearer JWT, and one small script.
 */
export function consoleRoutes(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const { config } = deps;
  const ownOrigin = new URL(config.publicUrl).origin;
  const launcherOrigin = config.launcher.loginUrl ? new URL(config.launcher.loginUrl).origin : null;
  const auth: ConsoleAuthDeps = { sql: deps.sql, logger: deps.logger, audit: deps.audit, verifyJwt: deps.verifyJwt, secureCookies: ownOrigin.startsWith("https:") };
  const sandbox = config.mode === "sandbox";
  const refs = new CardRefResolver({ sql: deps.sql, adapter: deps.adapter, webUrl: config.tasker.webUrl, workspaceSlug: config.tasker.workspaceSlug });
  const script = asset("console.js");
  const styles = asset("console.css");

  const routes = new Hono<ConsoleEnv>();
  routes.use(`${CONSOLE_PATH}/*`, consoleSecurityHeaders());
  // Launcher posts the sign-in form from its own origin; nothing else may come from there.
  routes.use(`${CONSOLE_PATH}/*`, originGuard(ownOrigin, (path) => (launcherOrigin && path === `${CONSOLE_PATH}/session` ? [launcherOrigin] : [])));

  routes.get(`${CONSOLE_PATH}/assets/console.js`, (c) => {
    c.header("Cache-Control", "no-cache");
    return c.body(script, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  routes.get(`${CONSOLE_PATH}/assets/console.css`, (c) => {
    c.header("Cache-Control", "no-cache");
    return c.body(styles, 200, { "Content-Type": "text/css; charset=utf-8" });
  });

  const signInPage = (c: Context<ConsoleEnv>, error?: string, status: 200 | 401 | 403 = 200) =>
    c.html(<SignInPage nonce={c.get("cspNonce")} demo={sandbox} error={error} notice={c.req.query("notice") === "signed_out" ? "signed_out" : undefined} />, status);

  routes.get(`${CONSOLE_PATH}/sign-in`, async (c) => {
    if (await currentSession(auth, c)) return c.redirect(CONSOLE_PATH, 303);
    return signInPage(c);
  });
  routes.post(`${CONSOLE_PATH}/session`, async (c) => {
    const form = await readForm(c);
    try {
      await signIn(auth, c, field(form, "launcher_token"));
    } catch (error) {
      if (error instanceof SignInRefused) return signInPage(c, error.message, 401);
      throw error;
    }
    return c.redirect(CONSOLE_PATH, 303);
  });
  routes.post(`${CONSOLE_PATH}/session/demo`, async (c) => {
    if (!sandbox) throw HttpError.notFound();
    await openSession(auth, c, { user_id: DEMO_OWNER.user_id, email: DEMO_OWNER.email, role: "user" });
    return c.redirect(CONSOLE_PATH, 303);
  });
  routes.post(`${CONSOLE_PATH}/logout`, async (c) => {
    await signOut(auth, c);
    return c.redirect(`${CONSOLE_PATH}/sign-in?notice=signed_out`, 303);
  });

  // The agents table is the console's front page; unsigned visitors see the sign-in.
  routes.get(CONSOLE_PATH, async (c) => {
    const session = await currentSession(auth, c);
    if (!session) return config.launcher.loginUrl ? c.redirect(config.launcher.loginUrl, 303) : signInPage(c);
    c.set("consoleSession", session);
    c.set("user", session.user);
    return c.html(<AgentsPage {...await agentsPageProps(c, {})} />);
  });

  routes.use(`${CONSOLE_PATH}/agents/*`, requireConsoleSession(auth, config.launcher.loginUrl ?? null));
  routes.use(`${CONSOLE_PATH}/agents`, requireConsoleSession(auth, config.launcher.loginUrl ?? null));
  routes.use(`${CONSOLE_PATH}/owners/*`, requireConsoleSession(auth, config.launcher.loginUrl ?? null));

  routes.post(`${CONSOLE_PATH}/agents`, async (c) => {
    const form = await readForm(c);
    return submitOnce(deps.sql, c, form, async () => {
      const parsed = createAgentRequestSchema.safeParse({ display_name: field(form, "display_name") });
      if (!parsed.success) {
        return { response: await c.html(<AgentsPage {...await agentsPageProps(c, { value: field(form, "display_name"), error: displayNameError(parsed.error) })} />, 422) };
      }
      const agent = await createAgentFor(deps, consoleContext(c), parsed.data);
      return { redirect: `${CONSOLE_PATH}/agents/${agent.id}?notice=agent_created` };
    });
  });

  async function agentsPageProps(c: Context<ConsoleEnv>, newAgent: { value?: string; error?: string }): Promise<AgentsPageProps> {
    const user = c.get("consoleSession").user;
    const admin = user.role === "platform_admin";
    const ownerFilter = admin ? (c.req.query("owner") || null) : null;
    const cursor = cursorFromQuery(c.req.query("cursor"));
    const limit = 100;
    const rows = await listAgents(deps.sql, { ownerUserId: admin ? ownerFilter : user.user_id, limit: limit + 1, after: cursor });
    const page = pageOf(rows, limit, (r) => r);
    const ids = page.items.map((a) => a.id);
    const [grants, devices, owners] = await Promise.all([
      listGrantsOfAgents(deps.sql, ids),
      listActiveDevicesOfAgents(deps.sql, ids),
      admin ? listOwners(deps.sql, 500) : Promise.resolve([]),
    ]);
    return {
      nonce: c.get("cspNonce"),
      user,
      notice: c.req.query("notice"),
      agents: page.items.map((agent) => ({
        agent,
        projects: grants.filter((g) => g.agent_id === agent.id).map((g) => g.project_identifier ?? g.project_id),
        devices: devices.filter((d) => d.agent_id === agent.id),
      })),
      nextCursor: page.next_cursor,
      newAgent,
      admin: admin ? { owners, ownerFilter } : undefined,
    };
  }

  routes.route("/", agentPageRoutes(deps, refs));
  routes.route("/", adminRoutes(deps));
  routes.onError(consoleOnError(deps.logger));
  return routes;
}

