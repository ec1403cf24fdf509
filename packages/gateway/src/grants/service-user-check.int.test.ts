import { describe, expect, it } from "vitest";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { createLogger, createMemoryLogDestination } from "../observability/logger";
import { useSandbox } from "../tasker/sandbox.test-support";
import { reportServiceUser } from "./service-user-check";

const S = useSandbox();

async function startLog(role?: 5 | 15): Promise<Array<{ level: string; msg: string; workspace_role: number | null }>> {
  if (role) S.sb.store.setWorkspaceRole(FIXTURE.users.service.id, role);
  try {
    const destination = createMemoryLogDestination();
    await reportServiceUser(S.adapter(), createLogger({ destination }));
    return destination.lines.map((l) => JSON.parse(l));
  } finally {
    S.sb.store.setWorkspaceRole(FIXTURE.users.service.id, 20);
  }
}

describe("the service user check at start", () => {
  it("a workspace admin: one info line", async () => {
    const [line] = await startLog();
    expect(line).toMatchObject({ level: "info", workspace_role: 20, msg: "tasker service user is a workspace admin" });
  });

  it("a workspace member: a warning that it must be made an admin", async () => {
    const [line] = await startLog(15);
    expect(line).toMatchObject({ level: "warn", workspace_role: 15 });
    expect(line!.msg).toContain("not a workspace admin");
  });

  it("a guest, who cannot read the roles: an error saying card writes are refused", async () => {
    const [line] = await startLog(5);
    expect(line).toMatchObject({ level: "error", workspace_role: null });
    expect(line!.msg).toContain("every card write is refused");
  });

  it("Tasker unreachable: a warning, and the start goes on", async () => {
    const destination = createMemoryLogDestination();
    await reportServiceUser(S.adapter({ baseUrl: "http://127.0.0.1:9", maxReadRetries: 0 }), createLogger({ destination }));
    expect(JSON.parse(destination.lines[0]!)).toMatchObject({ level: "warn" });
  });
});
