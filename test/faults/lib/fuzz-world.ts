/**
 * What the fuzzer's requests point at: owners, agents, grants, tokens and pairing codes
 * made through the gateway's own API, fixture ids of the sandbox, and every id a fuzzed
 * answer hands back. `refresh()` repairs what fuzzed calls broke (a revoked token, a
 * paused agent, a blocked owner) so later requests still reach the deep paths.
 */
import { createHmac } from "node:crypto";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { ROUTES, routePath } from "@nodedc/shared";
import type { TestStack } from "../../../packages/gateway/src/testing/test-stack";
import type { Pools } from "./fuzz-values";
import type { AuthKind, FuzzRequest } from "./fuzz-requests";

const DEMO = FIXTURE.projects.demo.id;
const OPS = FIXTURE.projects.ops.id;
const OWNER = FIXTURE.users.demoOwner.email;
const OTHER = FIXTURE.users.secretOwner.email;
const FULL = ["cards:read", "cards:write", "comments:write", "sessions:report"] as const;

/** Signs any claims, wrong types and hostile strings included, with the stack's secret. */
export function signClaims(secret: string, issuer: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: issuer, aud: "nodedc-agent-gateway", iat: now, exp: now + 600, ...claims })}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

class Bag {
  private readonly items: string[] = [];
  constructor(private readonly cap = 40) {}
  add(value: unknown): void {
    if (typeof value !== "string" || this.items.includes(value)) return;
    this.items.push(value);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
  }
  remove(value: unknown): void {
    const at = this.items.indexOf(value as string);
    if (at >= 0) this.items.splice(at, 1);
  }
  list(): string[] {
    return [...this.items];
  }
}

export class FuzzWorld {
  private readonly agents = new Bag();
  private readonly grants = new Bag();
  private readonly tokens = new Bag();
  private readonly codes = new Bag(10);
  private readonly cards = new Bag();
  private readonly codeIds = new Bag();
  private readonly events = new Bag();
  private creds: Record<string, string> = {};
  private target = "";
  private readonly secret: string;

  constructor(private readonly stack: TestStack) {
    this.secret = stack.config.launcher.jwtSecret!;
  }

  /**
   * The world's own calls, retried once on a transport error: a keep-alive socket the
   * gateway closed after a fuzzed early answer may be handed to this call (docs/FAULTS.md).
   */
  private async http(method: string, path: string, init: Parameters<TestStack["http"]>[2]): Promise<Response> {
    try {
      return await this.stack.http(method, path, init);
    } catch {
      return this.stack.http(method, path, init);
    }
  }

  private jwt(sub: string, email: string, role: string): string {
    return signClaims(this.secret, this.stack.config.launcher.issuer, { sub, email, role });
  }

  /**
   * (Re)creates whatever the fuzz broke. The main and read-only agents are not in the id
   * pools (so fuzzed revokes rarely hit them); a `target` agent is, and is remade when gone.
   */
  async refresh(): Promise<void> {
    const owner = this.jwt(this.stack.ownerUserIdOf(OWNER), OWNER, "user");
    const service = this.jwt("fuzz-service", "svc@nodedc.local", "service");
    this.creds.owner = owner;
    this.creds.otherOwner = this.jwt(this.stack.ownerUserIdOf(OTHER), OTHER, "user");
    this.creds.admin = this.jwt("fuzz-admin", "admin@nodedc.local", "platform_admin");
    this.creds.service = service;
    const alive = async (token: string | undefined) => (token ? (await this.http("GET", ROUTES.agentSession, { bearer: token })).status === 200 : false);
    const [main, reader, spare] = [await alive(this.creds.agent), await alive(this.creds.agentReadOnly), await alive(this.creds.spare)];
    if (main && reader && spare && this.codes.list().length >= 2) return;
    for (const email of [OWNER, OTHER]) {
      await this.http("POST", routePath(ROUTES.ownerStatus, { user_id: this.stack.ownerUserIdOf(email) }), { bearer: service, body: { status: "active" } });
    }
    if (!(await alive(this.creds.agent))) {
      const { agent } = await this.stack.createAgent(OWNER, "Fuzz main");
      await this.stack.grant(agent.id, "DEMO", [...FULL]);
      await this.stack.grant(agent.id, "OPS", ["cards:read"]);
      this.creds.agent = (await this.stack.issueToken(agent.id)).token;
    }
    if (!(await alive(this.creds.agentReadOnly))) {
      const { agent } = await this.stack.createAgent(OWNER, "Fuzz reader");
      await this.stack.grant(agent.id, "DEMO", ["cards:read"]);
      this.creds.agentReadOnly = (await this.stack.issueToken(agent.id)).token;
    }
    if (!(await alive(this.creds.spare))) {
      const { agent } = await this.stack.createAgent(OWNER, "Fuzz target");
      this.target = agent.id;
      this.agents.add(agent.id);
      this.grants.add((await this.stack.grant(agent.id, "DEMO", [...FULL])).id);
      const issued = await this.stack.issueToken(agent.id);
      this.creds.spare = issued.token;
      this.tokens.add(issued.token_id);
    }
    for (let i = this.codes.list().length; i < 4; i++) {
      const res = await this.http("POST", routePath(ROUTES.agentPairingCodes, { agent_id: this.target }), { bearer: owner, body: {} });
      if (res.status !== 201) break;
      this.codes.add(((await res.json()) as { code: string }).code);
    }
  }

  async init(): Promise<void> {
    const other = await this.stack.createAgent(OTHER, "Other owner's agent");
    this.agents.add(other.agent.id);
    await this.refresh();
  }

  /** Remembers ids from an answer so later requests can point at them. */
  learn(req: FuzzRequest, status: number, body: unknown): void {
    if (status >= 300 || !body || typeof body !== "object") return;
    const b = body as { id?: unknown; code?: unknown; items?: { id?: unknown }[]; result?: { card?: { id?: unknown; identifier?: unknown } } };
    if (req.target === `POST ${ROUTES.agents}`) this.agents.add(b.id);
    if (req.target === `POST ${ROUTES.agentGrants}`) this.grants.add(b.id);
    if (req.target === `POST ${ROUTES.agentTokens}`) this.tokens.add(b.id);
    if (req.target === `POST ${ROUTES.agentPairingCodes}`) {
      this.codes.add(b.code);
      this.codeIds.add(b.id);
    }
    if (req.target === `GET ${ROUTES.auditEvents}` && Array.isArray(b.items)) for (const e of b.items.slice(0, 3)) this.events.add(e?.id);
    if (req.target === `POST ${ROUTES.pairingExchange}`) this.codes.remove(req.body && "json" in req.body ? (req.body.json as { code?: unknown })?.code : undefined);
    if (req.target === "tool:create_card") {
      this.cards.add(b.result?.card?.id);
      this.cards.add(b.result?.card?.identifier);
    }
  }

  credential(kind: AuthKind, req: FuzzRequest): string | null {
    switch (kind) {
      case "none":
        return null;
      case "garbage":
        return req.garbageCredential;
      case "unknownToken":
        return `Bearer ndca_${"Z".repeat(40)}000000`;
      case "fuzzedJwt": {
        const c = req.jwtClaims!;
        const claims: Record<string, unknown> = { ...c.extra, sub: c.sub, role: c.role };
        if (c.email !== undefined) claims.email = c.email;
        return `Bearer ${signClaims(this.secret, this.stack.config.launcher.issuer, claims)}`;
      }
      case "agent":
        // calls that end the calling token spend the target agent's, not the main one
        return `Bearer ${/revoke|rotate/.test(req.path) ? this.creds.spare : this.creds.agent}`;
      default:
        return `Bearer ${this.creds[kind]}`;
    }
  }

  pools(): Pools {
    const fixtureUuids = [
      DEMO,
      OPS,
      FIXTURE.projects.secret.id,
      ...Object.values(FIXTURE.cards),
      ...Object.values(FIXTURE.states.demo),
      ...Object.values(FIXTURE.labels.demo),
      FIXTURE.users.demoOwner.id,
    ];
    const demoCards = [FIXTURE.cards.demo1, FIXTURE.cards.demo2, FIXTURE.cards.demo3, "DEMO-1", "DEMO-2", "demo-3", "OPS-1"];
    const ownerIds = [OWNER, OTHER, FIXTURE.users.guest.email].map((e) => this.stack.ownerUserIdOf(e));
    return {
      uuids: () => [...fixtureUuids, ...this.agents.list(), ...this.grants.list(), ...this.tokens.list()],
      byField: {
        project_id: () => [DEMO, DEMO, DEMO, OPS, FIXTURE.projects.secret.id],
        card_id: () => [...demoCards, ...this.cards.list()],
        card: () => [...demoCards, ...this.cards.list()],
        parent_id: () => [FIXTURE.cards.demo1, FIXTURE.cards.ops1, ...this.cards.list()],
        state_id: () => Object.values(FIXTURE.states.demo),
        label_ids: () => [[FIXTURE.labels.demo.bug], [FIXTURE.labels.demo.bug, FIXTURE.labels.demo.docs], [], [FIXTURE.labels.ops.bug]],
        assignee_ids: () => [[FIXTURE.users.demoOwner.id], [], [FIXTURE.users.outsider.id]],
        workspace_slug: () => ["nodedc"],
        agent_id: () => this.agents.list(),
        grant_id: () => this.grants.list(),
        token_id: () => this.tokens.list(),
        user_id: () => ownerIds,
        owner_user_id: () => ownerIds,
        code: () => this.codes.list(),
        code_id: () => this.codeIds.list(),
        id: () => this.events.list(),
        scopes: () => [["cards:read"], [...FULL], ["comments:write", "cards:read"]],
      },
    };
  }
}
