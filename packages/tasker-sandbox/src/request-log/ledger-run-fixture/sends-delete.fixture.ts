// Sends one DELETE to a real sandbox; marked delete-testing when LEDGER_FIXTURE_DELETE_TESTING=1.
import { expect, it } from "vitest";
import { startTaskerSandbox } from "../../server";

it("sends one DELETE to the sandbox", async () => {
  const sb = await startTaskerSandbox({ port: 0, deleteTesting: process.env.LEDGER_FIXTURE_DELETE_TESTING === "1" });
  try {
    const res = await fetch(`${sb.url}/api/v1/workspaces/nodedc/projects/p/work-items/i/`, {
      method: "DELETE",
      headers: { "X-Api-Key": sb.keys.service },
    });
    expect(res.status).toBeGreaterThan(0);
  } finally {
    await sb.close();
  }
});
