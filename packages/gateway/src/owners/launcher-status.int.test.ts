import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { errorOf } from "../testing/responses";

/** A real HTTP server standing in for Launcher's internal user API. */
let launcher: Server;
let launcherUrl: string;
let answer: { status: number; body: unknown } = { status: 200, body: { status: "active" } };
const seen: { path: string; authorization: string | undefined }[] = [];

let stack: TestStack;
beforeAll(async () => {
  launcher = createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => launcher.listen(0, "127.0.0.1", resolve));
  launcherUrl = `http://127.0.0.1:${(launcher.address() as AddressInfo).port}`;
  stack = await startTestStack({
    env: { LAUNCHER_API_URL: launcherUrl, LAUNCHER_API_TOKEN: "launcher-service-credential", OWNER_STATUS_TTL_S: "60", OWNER_STATUS_GRACE_S: "300" },
  });
});
afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => launcher?.close(resolve));
});

async function agentWithToken(name: string) {
  const created = await stack.createAgent(`${name}@example.test`, name);
  const { token } = await stack.issueToken(created.agent.id);
  return { ...created, token };
}
const session = (token: string) => stack.http("GET", ROUTES.agentSession, { bearer: token });
const makeStale = (userId: string) => stack.adminSql`UPDATE owners SET status_checked_at = now() - interval '1 hour' WHERE user_id = ${userId}`;

describe("request-time owner status from Launcher (DESIGN §6)", () => {
  it("asks Launcher when the cached status is older than the TTL, and not again while fresh", async () => {
    answer = { status: 200, body: { status: "active" } };
    const { token, ownerUserId } = await agentWithToken("fresh");
    const before = seen.length;
    expect((await session(token)).status).toBe(200);
    expect(seen.slice(before)).toEqual([{ path: `/internal/v1/users/${encodeURIComponent(ownerUserId)}`, authorization: "Bearer launcher-service-credential" }]);
    expect((await session(token)).status).toBe(200);
    expect(seen.length).toBe(before + 1);
  });

  it("refuses at once when Launcher says blocked, and restores when it says active", async () => {
    const { token, ownerUserId } = await agentWithToken("blocked-by-launcher");
    answer = { status: 200, body: { user: { id: ownerUserId, status: "blocked" } } };
    const refused = await errorOf(await session(token));
    expect([refused.status, refused.code]).toEqual([403, "owner_inactive"]);
    const [row] = await stack.adminSql<{ status: string }[]>`SELECT status FROM owners WHERE user_id = ${ownerUserId}`;
    expect(row!.status).toBe("blocked");

    answer = { status: 200, body: { status: "active" } };
    await makeStale(ownerUserId);
    expect((await session(token)).status).toBe(200);
  });

  it("treats a user Launcher does not know as blocked", async () => {
    const { token } = await agentWithToken("unknown-to-launcher");
    answer = { status: 404, body: { error: "not found" } };
    expect((await errorOf(await session(token))).code).toBe("owner_inactive");
  });

  it("keeps the last known status while Launcher is down within the grace period, then fails closed", async () => {
    answer = { status: 200, body: { status: "active" } };
    const { token, ownerUserId } = await agentWithToken("grace");
    expect((await session(token)).status).toBe(200);

    answer = { status: 503, body: { error: "down" } };
    await makeStale(ownerUserId);
    expect((await session(token)).status).toBe(200);
    const [row] = await stack.adminSql<{ since: Date | null }[]>`SELECT status_unreachable_since AS since FROM owners WHERE user_id = ${ownerUserId}`;
    expect(row!.since).toBeInstanceOf(Date);

    // Launcher has been unreachable for longer than OWNER_STATUS_GRACE_S
    await stack.adminSql`UPDATE owners SET status_unreachable_since = now() - interval '1 hour' WHERE user_id = ${ownerUserId}`;
    const closed = await errorOf(await session(token));
    expect([closed.status, closed.code, closed.details]).toEqual([403, "owner_inactive", { reason: "owner_status_unverifiable" }]);

    // Launcher answers again: the owner is back
    answer = { status: 200, body: { status: "active" } };
    await stack.adminSql`UPDATE owners SET status_unreachable_since = NULL WHERE user_id = ${ownerUserId}`;
    // Past the per-owner retry back-off (2 s) by the gateway's clock alone: no real wait.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2_100 });
    try {
      expect((await session(token)).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it("revokes for good when Launcher says annulled", async () => {
    const { token, ownerUserId, agent } = await agentWithToken("annulled-by-launcher");
    answer = { status: 200, body: { status: "annulled" } };
    expect((await errorOf(await session(token))).status).toBe(401);
    answer = { status: 200, body: { status: "active" } };
    await makeStale(ownerUserId);
    expect((await errorOf(await session(token))).status).toBe(401);
    const [row] = await stack.adminSql<{ status: string }[]>`SELECT status FROM agents WHERE id = ${agent.id}`;
    expect(row!.status).toBe("revoked");
  });
});
