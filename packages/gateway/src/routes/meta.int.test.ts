import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capabilitiesSchema, ROUTES, SCOPES, TOOL_NAMES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { jsonOf } from "../testing/responses";
import { ROUTE_DOCS } from "../openapi/route-docs";
import { openApiPath } from "../openapi/openapi";
import { buildApp } from "../app";
import { connect } from "../db/database";
import { createIsolatedDatabase } from "../testing/isolated-database";
import { createLogger, createMemoryLogDestination } from "../observability/logger";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("ops and discovery", () => {
  it("healthz names the service, version, start time and boot id", async () => {
    const body = await jsonOf(await stack.http("GET", ROUTES.healthz));
    expect(body).toEqual({ status: "ok", service: "nodedc-tasker-gateway", version: expect.any(String), started_at: expect.any(String), boot_id: expect.any(String) });
  });

  it("capabilities list tools, scopes and limits", async () => {
    const caps = capabilitiesSchema.parse(await jsonOf(await stack.http("GET", ROUTES.capabilities)));
    expect(caps.api_version).toBe("v1");
    expect(caps.tools).toEqual([...TOOL_NAMES]);
    expect(caps.scopes).toEqual([...SCOPES]);
    expect(caps.limits).toMatchObject({ max_body_bytes: 262144, max_page_size: 100, agent_rate_limit_per_min: 100000 });
    expect(caps.mode).toBe("development");
  });

  it("readyz answers 503 while migrations are not applied (and 200 once they are)", async () => {
    expect((await stack.http("GET", ROUTES.readyz)).status).toBe(200);
    const empty = await createIsolatedDatabase();
    const sql = connect(empty.url, { max: 2 });
    try {
      const { app } = buildApp({ sql, config: stack.config, logger: createLogger({ destination: createMemoryLogDestination() }), adapter: stack.deps.adapter });
      const res = await app.request(ROUTES.readyz);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "not_ready" });
      await sql`CREATE TABLE schema_migrations (version integer PRIMARY KEY)`;
      const pending = await app.request(ROUTES.readyz);
      expect([pending.status, ((await pending.json()) as { migrations: string }).migrations]).toEqual([503, "pending"]);
    } finally {
      await sql.end();
      await empty.close();
    }
  });

  it("documents every mounted route in the OpenAPI document, generated from the zod contract", async () => {
    const doc = await jsonOf(await stack.http("GET", ROUTES.openapi));
    expect(doc.openapi).toBe("3.1.0");
    const mounted = new Set(
      // /console is the owner's web UI (docs/CONSOLE.md), not part of the JSON API
      stack.app.routes.filter((r) => r.method !== "ALL" && !r.path.startsWith("/console")).map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path.replace(/\/$/, "") || "/")}`),
    );
    const documented = new Set(ROUTE_DOCS.map((d) => `${d.method} ${openApiPath(d.path)}`));
    expect([...mounted].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !mounted.has(r))).toEqual([]);
    const createAgent = doc.paths["/api/v1/agents"].post;
    expect(createAgent.requestBody.content["application/json"].schema).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["display_name"],
      properties: { display_name: { type: "string", maxLength: 120 } },
    });
    expect(doc.paths["/api/v1/agents/{agent_id}/grants/{grant_id}"].delete.parameters.map((p: { name: string }) => p.name)).toEqual(["agent_id", "grant_id"]);
    expect(doc.paths["/api/v1/audit-events"].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["agent_id", "project_id", "action", "since", "cursor", "limit"]));
    expect(doc.components.securitySchemes).toHaveProperty("launcher_jwt");
  });

  it("serves a self-contained docs page (no external scripts or styles)", async () => {
    const res = await stack.http("GET", ROUTES.docs);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("/api/v1/pairing/exchange");
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!127\.)/i);
  });

  it("exposes Prometheus metrics by route template and status", async () => {
    await stack.http("GET", `${ROUTES.agents}/00000000-0000-4000-8000-000000000000`, { bearer: await stack.adminJwt() });
    const text = await (await stack.http("GET", ROUTES.metrics)).text();
    expect(text).toMatch(/nodedc_http_requests_total\{method="GET",route="\/api\/v1\/agents\/:agent_id",status="404"\} \d+/);
    expect(text).toContain("nodedc_http_request_duration_seconds_bucket");
    expect(text).toContain("process_cpu_user_seconds_total");
  });
});
