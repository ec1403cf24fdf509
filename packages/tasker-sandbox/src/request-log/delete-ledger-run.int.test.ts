import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DELETE_LEDGER_ENV } from "./delete-ledger";

// DESIGN §9 rule 1, suite-wide: the ledger's globalSetup must turn a DELETE anywhere in the
// run into a non-zero exit of `vitest run`. Runs vitest on a one-test fixture, in a child
// process with its own ledger (the outer run's ledger variable is removed so this test's
// deliberate DELETE never reaches it).
const fixtureDir = fileURLToPath(new URL("./ledger-run-fixture/", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

function runFixture(deleteTesting: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_FIXTURE_DELETE_TESTING: deleteTesting ? "1" : "0" };
  delete env[DELETE_LEDGER_ENV];
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  const vitest = fileURLToPath(new URL("node_modules/vitest/vitest.mjs", `file://${repoRoot}`));
  return spawnSync(process.execPath, [vitest, "run", "--root", fixtureDir, "--config", `${fixtureDir}vitest.config.ts`], {
    cwd: fixtureDir,
    env,
    encoding: "utf8",
    timeout: 90_000,
  });
}

describe("suite-wide DELETE ledger", () => {
  it("a DELETE to any sandbox makes the whole vitest run exit non-zero, naming the request", () => {
    const run = runFixture(false);
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toMatch(/1 passed/); // the test itself passed: only the ledger failed the run
    expect(output).toContain("DESIGN §9 rule 1");
    expect(output).toContain("DELETE /api/v1/workspaces/nodedc/projects/p/work-items/i/");
    expect(run.status).not.toBe(0);
  });

  it("a sandbox marked deleteTesting is labelled and does not fail the run", () => {
    const run = runFixture(true);
    expect(`${run.stdout}${run.stderr}`).not.toContain("DESIGN §9 rule 1");
    expect(run.status).toBe(0);
  });
});
