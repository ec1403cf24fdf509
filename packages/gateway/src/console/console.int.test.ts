import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../testing/test-stack";

/** The console over plain HTTP: sign-in, session expiry, CSRF, headers, who sees what. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const OWNER = "console.owner@nodedc.local";

async function signIn(email: string, role: "user" | "platform_admin" = "user"): Promise<string> {
  const jwt = await stack.mintJwt({ sub: stack.ownerUserIdOf(email), email, role });
  const res = await post("/console/session", new URLSearchParams({ launcher_token: jwt }), null);
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/console");
  const cookie = res.headers.get("set-cookie")!;
  return cookie.split(";")[0]!;
}

function post(path: string, body: URLSearchParams, cookie: string | null, origin: string | null = stack.gatewayUrl, extra: Record<string, string> = {}) {
  return fetch(`${stack.gatewayUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(origin ? { Origin: origin } : {}), ...(cookie ? { Cookie: cookie } : {}), ...extra },
    body,
  });
}
const get = (path: string, cookie: string | null) => fetch(`${stack.gatewayUrl}${path}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
const nonce = () => `n${Math.random().toString(36).slice(2)}${Date.now()}`;

describe("console sign-in and session", () => {
  it("sets an HttpOnly, SameSite=Lax cookie on /console (no Secure on http) and stores only its hash", async () => {
    const jwt = await stack.mintJwt({ sub: stack.ownerUserIdOf(OWNER), email: OWNER });
    const res = await post("/console/session", new URLSearchParams({ launcher_token: jwt }), null);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^nodedc_console=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/console(;|$)/);
    expect(cookie).not.toMatch(/Secure/);
    const value = cookie.split(";")[0]!.split("=")[1]!;
    const rows = await stack.adminSql`SELECT * FROM console_sessions`;
    expect(JSON.stringify(rows)).not.toContain(value);
    expect(JSON.stringify(rows)).not.toContain(jwt);
  });

  it("refuses a bad, expired, agent or service credential with a message next to the field, never a 500", async () => {
    const { agent } = await stack.createAgent(OWNER, "for a token");
    const { token } = await stack.issueToken(agent.id);
    const bad = [
      "",
      "not-a-jwt",
      await stack.mintJwt({ sub: "x", agoS: 3600 }),
      await stack.mintJwt({ sub: "x", secret: "another-secret-another-secret-0000" }),
      await stack.mintJwt({ sub: "svc", role: "service" }),
      token,
      "\u0000".repeat(10),
    ];
    for (const launcher_token of bad) {
      const res = await post("/console/session", new URLSearchParams({ launcher_token }), null);
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
      const html = await res.text();
      expect(html).toMatch(/<p class="field-error" id="launcher-token-error">/);
      expect(html).not.toContain(token);
    }
  });

  it("ends a session after an hour idle, after twelve hours in any case, and on sign-out", async () => {
    const idle = await signIn(OWNER);
    expect((await get("/console", idle)).status).toBe(200);
    await stack.adminSql`UPDATE console_sessions SET last_seen_at = now() - interval '61 minutes'`;
    const afterIdle = await get("/console", idle);
    expect(await afterIdle.text()).toContain('id="launcher-token"'); // the sign-in page again

    const old = await signIn(OWNER);
    await stack.adminSql`UPDATE console_sessions SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 hour' WHERE last_seen_at > now() - interval '1 minute'`;
    expect(await (await get("/console", old)).text()).toContain('id="launcher-token"');

    const live = await signIn(OWNER);
    const out = await post("/console/logout", new URLSearchParams(), live);
    expect(out.status).toBe(303);
    expect(await (await get("/console", live)).text()).toContain('id="launcher-token"');
    expect((await get("/console/agents/00000000-0000-4000-8000-000000000000", live)).status).toBe(303);
    // signing in again clears this user's dead sessions
    await signIn(OWNER);
    const left = await stack.adminSql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM console_sessions WHERE user_id = ${stack.ownerUserIdOf(OWNER)} AND (ended_at IS NOT NULL OR expires_at < now())`;
    expect(left[0]!.n).toBe(0);
  });

  it("sends unsigned visitors to LAUNCHER_LOGIN_URL when it is set", async () => {
    const other = await startTestStack({ env: { LAUNCHER_LOGIN_URL: "https://launcher.example.test/login" } });
    try {
      const res = await fetch(`${other.gatewayUrl}/console`, { redirect: "manual" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("https://launcher.example.test/login");
      // Launcher's own form post is accepted, nobody else's
      const jwt = await other.mintJwt({ sub: "u-l", email: "l@example.test" });
      const fromLauncher = await fetch(`${other.gatewayUrl}/console/session`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://launcher.example.test" },
        body: new URLSearchParams({ launcher_token: jwt }),
      });
      expect(fromLauncher.status).toBe(303);
      const fromElsewhere = await fetch(`${other.gatewayUrl}/console/session`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
        body: new URLSearchParams({ launcher_token: jwt }),
      });
      expect(fromElsewhere.status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it("marks the cookie Secure when the gateway is served over https", async () => {
    const https = await startTestStack({ env: { PUBLIC_URL: "https://gateway.example.test" } });
    try {
      const jwt = await https.mintJwt({ sub: "u-https", email: "h@example.test" });
      const res = await fetch(`${https.gatewayUrl}/console/session`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://gateway.example.test" },
        body: new URLSearchParams({ launcher_token: jwt }),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("set-cookie")).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });

  it("offers the demo owner only in sandbox mode", async () => {
    const page = await (await get("/console", null)).text();
    expect(page).not.toContain("Sign in as the demo owner");
    expect((await post("/console/session/demo", new URLSearchParams(), null)).status).toBe(404);
    const sandbox = await startTestStack({ env: { NODEDC_MODE: "sandbox" } });
    try {
      const html = await (await fetch(`${sandbox.gatewayUrl}/console`)).text();
      expect(html).toContain("Sign in as the demo owner");
      const res = await fetch(`${sandbox.gatewayUrl}/console/session/demo`, { method: "POST", redirect: "manual", headers: { Origin: sandbox.gatewayUrl } });
      expect(res.status).toBe(303);
      const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const agents = await (await fetch(`${sandbox.gatewayUrl}/console`, { headers: { Cookie: cookie } })).text();
      expect(agents).toContain("Signed in as demo.owner@nodedc.local");
    } finally {
      await sandbox.close();
    }
  });
});

describe("console security", () => {
  it("refuses every state-changing request from another origin, or with no origin signal, with 403 and changes nothing", async () => {
    const cookie = await signIn(OWNER);
    const before = await stack.adminSql`SELECT count(*)::int AS n FROM agents`;
    for (const [origin, extra] of [
      ["https://evil.example", {}],
      [new URL(stack.gatewayUrl).origin.replace(/:\d+$/, ":1"), {}],
      [null, {}],
      ["null", { "Sec-Fetch-Site": "cross-site" }],
      ["null", { "Sec-Fetch-Site": "same-site" }],
    ] as const) {
      const res = await post("/console/agents", new URLSearchParams({ display_name: "csrf", form_nonce: nonce() }), cookie, origin, extra);
      expect([origin, res.status]).toEqual([origin, 403]);
    }
    const after = await stack.adminSql`SELECT count(*)::int AS n FROM agents`;
    expect(after).toEqual(before);
    // the browser's own form post (Origin: null under no-referrer, Sec-Fetch-Site: same-origin) works
    const ok = await post("/console/agents", new URLSearchParams({ display_name: "same origin", form_nonce: nonce() }), cookie, "null", { "Sec-Fetch-Site": "same-origin" });
    expect(ok.status).toBe(303);
  });

  it("serves every page with a nonce CSP, no framing, no referrer, no caching", async () => {
    const cookie = await signIn(OWNER);
    for (const res of [await get("/console", null), await get("/console", cookie), await get("/console/agents/not-a-uuid", cookie)]) {
      const csp = res.headers.get("content-security-policy")!;
      const nonceValue = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonceValue).toBeTruthy();
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      // every script carries this response's nonce; there is no inline script
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toContain(`nonce="${nonceValue}"`);
        expect(body).toBe("");
      }
    }
  });

  it("shows a viewer only their own agents: 404 for anyone else's page, form or live status", async () => {
    const { agent } = await stack.createAgent(OWNER, "private agent");
    const code = await stack.http("POST", `/api/v1/agents/${agent.id}/pairing-codes`, { bearer: await stack.mintJwt({ sub: stack.ownerUserIdOf(OWNER), email: OWNER }), body: {} });
    const { id: codeId } = (await code.json()) as { id: string };
    const intruder = await signIn("intruder@nodedc.local");
    expect(await (await get("/console", intruder)).text()).not.toContain("private agent");
    expect((await get(`/console/agents/${agent.id}`, intruder)).status).toBe(404);
    const json = await fetch(`${stack.gatewayUrl}/console/agents/${agent.id}/pairing-codes/${codeId}`, { headers: { Cookie: intruder, Accept: "application/json" } });
    expect(json.status).toBe(404);
    for (const path of ["status", "rename", "revoke", "grants", "pairing-codes", `pairing-codes/${codeId}/cancel`]) {
      const res = await post(`/console/agents/${agent.id}/${path}`, new URLSearchParams({ status: "paused", display_name: "x", form_nonce: nonce() }), intruder);
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await post(`/console/owners/${encodeURIComponent(stack.ownerUserIdOf(OWNER))}/status`, new URLSearchParams({ status: "blocked", form_nonce: nonce() }), intruder)).status).toBe(404);
    const [row] = await stack.adminSql<{ status: string; display_name: string }[]>`SELECT status, display_name FROM agents WHERE id = ${agent.id}`;
    expect(row).toEqual({ status: "active", display_name: "private agent" });
    // the admin sees it
    const admin = await signIn("admin@nodedc.local", "platform_admin");
    expect((await get(`/console/agents/${agent.id}`, admin)).status).toBe(200);
  });

  it("answers bad input in every form with 422 and a message next to the field, never a 500", async () => {
    const cookie = await signIn(OWNER);
    const create = await post("/console/agents", new URLSearchParams({ display_name: "   ", form_nonce: nonce() }), cookie);
    expect(create.status).toBe(422);
    expect(await create.text()).toMatch(/id="agent-name-error"[^>]*>.*Give the agent a name/);
    const long = await post("/console/agents", new URLSearchParams({ display_name: "x".repeat(500), form_nonce: nonce() }), cookie);
    expect(long.status).toBe(422);
    const nul = await post("/console/agents", new URLSearchParams({ display_name: "a\u0000b", form_nonce: nonce() }), cookie);
    expect(nul.status).toBe(422);
    const noNonce = await post("/console/agents", new URLSearchParams({ display_name: "ok" }), cookie);
    expect(noNonce.status).toBe(422);

    const { agent } = await stack.createAgent(OWNER, "bad input");
    const base = `/console/agents/${agent.id}`;
    const noScopes = await post(`${base}/grants`, new URLSearchParams({ project_id: "00000000-0000-4000-8000-000000000000", form_nonce: nonce() }), cookie);
    expect(noScopes.status).toBe(422);
    expect(await noScopes.text()).toContain("Tick at least one scope.");
    const badProject = await post(`${base}/grants`, new URLSearchParams({ project_id: "nope", scopes: "cards:read", form_nonce: nonce() }), cookie);
    expect(await badProject.text()).toContain("Choose a project.");
    const badScope = await post(`${base}/grants`, new URLSearchParams([["project_id", "00000000-0000-4000-8000-000000000000"], ["scopes", "admin:all"], ["form_nonce", nonce()]]), cookie);
    expect(badScope.status).toBe(422);
    expect(await badScope.text()).toContain("Tick only the scopes listed.");
    const rename = await post(`${base}/rename`, new URLSearchParams({ display_name: "", form_nonce: nonce() }), cookie);
    expect(rename.status).toBe(422);
    expect(await rename.text()).toMatch(/id="new-name-error"/);
    const status = await post(`${base}/status`, new URLSearchParams({ status: "deleted", form_nonce: nonce() }), cookie);
    expect(status.status).toBe(422);
    const filter = await get(`${base}?outcome=bogus&project=x&cursor=%00`, cookie);
    expect(filter.status).toBe(200);
    const html = await filter.text();
    expect(html).toMatch(/id="filter-outcome-error"/);
    expect(html).toMatch(/id="filter-project-error"/);
    const token = await post(`${base}/tokens/not-a-uuid/revoke`, new URLSearchParams({ form_nonce: nonce() }), cookie);
    expect(token.status).toBe(404);
  });

  it("a form sent twice with one nonce acts once and sends the retry to the first result", async () => {
    const cookie = await signIn(OWNER);
    const form = new URLSearchParams({ display_name: "exactly once", form_nonce: nonce() });
    const [a, b] = await Promise.all([post("/console/agents", form, cookie), post("/console/agents", form, cookie)]);
    const again = await post("/console/agents", form, cookie);
    const rows = await stack.adminSql<{ id: string }[]>`SELECT id FROM agents WHERE display_name = 'exactly once'`;
    expect(rows).toHaveLength(1);
    const statuses = [a.status, b.status].sort();
    // the second copy either waited for the result (303) or was told the first is still running (409)
    expect(statuses[0]).toBe(303);
    expect([303, 409]).toContain(statuses[1]);
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(`/console/agents/${rows[0]!.id}?notice=agent_created`);
  });

  it("Connect Codex sent twice with one nonce makes one code and sends the retry to the list", async () => {
    const cookie = await signIn(OWNER);
    const { agent } = await stack.createAgent(OWNER, "one code");
    const form = new URLSearchParams({ form_nonce: nonce() });
    const first = await post(`/console/agents/${agent.id}/pairing-codes`, form, cookie);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(await first.text()).toMatch(/<code id="pair-command"[^>]*>npx nodedc-tasker pair [B-Z]{4}-[B-Z]{4} --gateway /);
    const retry = await post(`/console/agents/${agent.id}/pairing-codes`, form, cookie);
    expect(retry.status).toBe(303);
    expect(retry.headers.get("location")).toBe(`/console/agents/${agent.id}?notice=code_already_created#connect`);
    const codes = await stack.adminSql`SELECT id FROM pairing_codes WHERE agent_id = ${agent.id}`;
    expect(codes).toHaveLength(1);
    const list = await (await get(`/console/agents/${agent.id}`, cookie)).text();
    expect(list).not.toMatch(/npx nodedc-tasker pair [B-Z]{4}-[B-Z]{4}/); // the clear code is never shown again
  });

  it("shows a rotation chain and, prominently, a rotated token used again", async () => {
    const cookie = await signIn(OWNER);
    const { agent } = await stack.createAgent(OWNER, "rotating");
    const { token: first } = await stack.issueToken(agent.id);
    const rotated = await stack.http("POST", "/api/v1/agent-session/rotate", { bearer: first, headers: { "Idempotency-Key": "console-rotation-1" }, body: {} });
    expect(rotated.status).toBe(201);
    const { token: second } = (await rotated.json()) as { token: string };
    expect((await stack.http("GET", "/api/v1/agent-session", { bearer: second })).status).toBe(200);
    const calm = await (await get(`/console/agents/${agent.id}`, cookie)).text();
    expect(calm).toContain(`replaces ndca_…${first.slice(-4)}`);
    expect(calm).toMatch(/badge token-rotated">rotated</);
    expect(calm).not.toContain("A replaced token was used again");
    expect((await stack.http("GET", "/api/v1/agent-session", { bearer: first })).status).toBe(401); // reuse: the chain is revoked
    const alarmed = await (await get(`/console/agents/${agent.id}`, cookie)).text();
    expect(alarmed).toMatch(/<div class="alert" role="alert"><h3>A replaced token was used again<\/h3>/);
    expect(alarmed).not.toContain(first);
    expect(alarmed).not.toContain(second);
  });
});
