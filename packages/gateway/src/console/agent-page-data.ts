import { AUDIT_OUTCOMES, LIMITS, unwrapUntrusted } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { LauncherUser } from "../auth/launcher-jwt";
import type { AgentRow } from "../agents/agent-store";
import { listGrants, type GrantRow } from "../grants/grant-store";
import { grantableProjectsFor } from "../grants/grant-service";
import { listTokens, tokenMeta } from "../tokens/token-store";
import { listPairingCodes } from "../pairing/pairing-store";
import { listAuditEventsFor } from "../audit/audit-query";
import { sealingCheckpointsOf } from "../audit/sealing/seal-store";
import { pageOf } from "../http/cursor";
import { cursorFromQuery } from "./page-cursor";
import { listSessionsOfAgent } from "../sessions/session-store";
import type { CardRefResolver } from "./card-refs";
import type { AgentPageProps } from "./pages/agent-page";
import type { ActivityLine } from "./pages/activity-section";
import type { FreshCode } from "./pages/connect-section";
import { tokenStatusOf, type TokenLine } from "./pages/tokens-section";

export interface ActivityQuery {
  outcome?: string | undefined;
  project?: string | undefined;
  cursor?: string | undefined;
}

export interface PageExtras {
  notice?: string | undefined;
  fresh?: FreshCode | undefined;
  rename?: AgentPageProps["rename"];
  error?: string | undefined;
  grantForm?: { values: { project_id: string; scopes: string[] }; errors: NonNullable<AgentPageProps["grants"]["errors"]> } | undefined;
}

const ACTIVITY_PAGE = 25;

/** Everything the agent page shows, read through the same stores and services as the API. */
export async function loadAgentPage(
  deps: GatewayDeps,
  refs: CardRefResolver,
  input: { user: LauncherUser; agent: AgentRow; nonce: string; requestId: string; activity: ActivityQuery; extras: PageExtras },
): Promise<AgentPageProps> {
  const { agent, user } = input;
  const filters = readActivityFilters(input.activity);
  const [grants, tokens, codes, projects, sessions, reuse] = await Promise.all([
    listGrants(deps.sql, agent.id),
    listTokens(deps.sql, agent.id),
    listPairingCodes(deps.sql, agent.id, { limit: 10, after: null }),
    grantableProjectsFor(deps, agent, input.requestId).catch((error: unknown) => {
      deps.logger.warn({ err: error, request_id: input.requestId }, "console: Tasker projects could not be listed");
      return null;
    }),
    listSessionsOfAgent(deps.sql, agent.id, 20),
    listAuditEventsFor(deps.sql, null, { agentId: agent.id, action: "token.reuse_after_rotation", after: null, limit: 10 }),
  ]);
  const events = await listAuditEventsFor(deps.sql, null, {
    agentId: agent.id,
    outcome: filters.outcome ?? undefined,
    projectId: filters.project ?? undefined,
    after: cursorFromQuery(filters.cursor),
    limit: ACTIVITY_PAGE + 1,
  });
  const page = pageOf(events, ACTIVITY_PAGE, (e) => e);
  const identifierOf = projectIdentifiers(grants, projects);
  const cardIds = await refs.cardIdsOf(page.items);
  const cards = [
    ...page.items.flatMap((e) => {
      const card = cardIds.get(e.id);
      return card && e.project_id ? [{ card_id: card, project_id: e.project_id, agent_id: agent.id }] : [];
    }),
    ...sessions.map((s) => ({ card_id: s.card_id, project_id: s.project_id, agent_id: agent.id })),
  ];
  const [cardRefs, sealedIn] = await Promise.all([
    refs.refs(cards, (id) => identifierOf.get(id) ?? null, input.requestId),
    sealingCheckpointsOf(deps.sql, page.items.map((e) => e.id)),
  ]);

  const lines: ActivityLine[] = page.items.map((e) => {
    const card = cardIds.get(e.id);
    return {
      id: e.id,
      occurred_at: e.occurred_at,
      action: e.action,
      project: e.project_id ? (identifierOf.get(e.project_id) ?? e.project_id.slice(0, 8)) : null,
      outcome: e.outcome,
      error_code: e.error_code,
      actor: e.actor_type === "agent" ? "the agent" : e.actor_type === "user" ? (e.actor_user_id ?? "a user") : e.actor_type,
      card: card ? (cardRefs.get(card) ?? null) : null,
      sealedIn: sealedIn.get(e.id) ?? null,
    };
  });
  const tokenLines: TokenLine[] = tokens.map((row) => {
    const meta = tokenMeta(row);
    const replaces = (meta as typeof meta & { replaces_token_id?: string | null }).replaces_token_id ?? null;
    return { meta, status: tokenStatusOf(meta), replacesTokenId: replaces };
  });
  const revoked = agent.stored_status === "revoked" || agent.status === "revoked";
  return {
    nonce: input.nonce,
    user,
    agent,
    notice: input.extras.notice,
    error: input.extras.error,
    rename: input.extras.rename,
    grants: {
      agentId: agent.id,
      revoked,
      grants,
      projects,
      values: input.extras.grantForm?.values,
      errors: input.extras.grantForm?.errors,
    },
    connect: {
      agentId: agent.id,
      revoked,
      fresh: input.extras.fresh,
      codes,
    },
    tokens: {
      agentId: agent.id,
      tokens: tokenLines,
      reuseAlerts: reuse.map((r) => ({ occurred_at: r.occurred_at, token_id: r.token_id })),
    },
    activity: {
      agentId: agent.id,
      lines,
      nextCursor: page.next_cursor,
      filters: { outcome: filters.outcome, project: filters.project },
      filterErrors: filters.errors,
      projects: [...identifierOf].map(([id, label]) => ({ id, label })),
      sessions: sessions.map((s) => ({
        card: cardRefs.get(s.card_id) ?? { label: `card ${s.card_id.slice(0, 8)}`, url: null },
        status: s.status,
        summary: unwrapUntrusted(s.summary),
        updated_at: new Date(s.updated_at),
      })),
    },
  };
}

function projectIdentifiers(grants: GrantRow[], projects: { id: string; identifier: string }[] | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of projects ?? []) out.set(p.id, p.identifier);
  for (const g of grants) if (g.project_identifier) out.set(g.project_id, g.project_identifier);
  return out;
}

const outcomeSchema = z.enum(AUDIT_OUTCOMES);

/** Activity filters from the URL; a bad value is reported next to its field and ignored. */
export function readActivityFilters(q: ActivityQuery): {
  outcome: (typeof AUDIT_OUTCOMES)[number] | null;
  project: string | null;
  cursor: string | null;
  errors: { outcome?: string; project?: string };
} {
  const errors: { outcome?: string; project?: string } = {};
  let outcome: (typeof AUDIT_OUTCOMES)[number] | null = null;
  let project: string | null = null;
  if (q.outcome) {
    const parsed = outcomeSchema.safeParse(q.outcome);
    if (parsed.success) outcome = parsed.data;
    else errors.outcome = `Choose one of: ${AUDIT_OUTCOMES.join(", ")}.`;
  }
  if (q.project) {
    if (z.uuid().safeParse(q.project).success) project = q.project;
    else errors.project = "Choose a project from the list.";
  }
  const cursor = q.cursor && q.cursor.length <= LIMITS.max_page_size * 10 ? q.cursor : null;
  return { outcome, project, cursor, errors };
}

