/**
 * vitest globalSetup for DESIGN §9 rule 1, suite-wide: "the sandbox sees zero DELETE
 * requests in the whole test suite". It creates an empty ledger file and names it in
 * NODEDC_SANDBOX_DELETE_LEDGER before any worker starts (workers and the processes they
 * spawn inherit it); every Tasker sandbox appends a line per DELETE it receives
 * (packages/tasker-sandbox/src/request-log/delete-ledger.ts). The teardown fails the run
 * when a line is not labelled `delete-testing` — the label of sandboxes the sandbox's own
 * contract tests start with `deleteTesting: true` to prove the emulator's soft delete.
 *
 * Several projects list this file; the first setup creates the ledger, the others reuse it,
 * and every teardown checks it. A teardown that only throws is printed but leaves
 * `vitest run` exiting 0 (tried with vitest 4.1.12), so the teardown sets
 * `process.exitCode = 1` first; docs/THREAT_MODEL.md says how this was verified.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DELETE_LEDGER_ENV, readDeleteLedger } from "../../packages/tasker-sandbox/src/request-log/delete-ledger";

export default function setup(): () => void {
  let file = process.env[DELETE_LEDGER_ENV];
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), "nodedc-delete-ledger-")), "deletes.jsonl");
    writeFileSync(file, "");
    process.env[DELETE_LEDGER_ENV] = file;
  }
  const ledger = file;
  return () => {
    const lines = readDeleteLedger(ledger);
    const counted = lines.filter((l) => l.label !== "delete-testing");
    if (counted.length > 0) {
      // vitest 4 prints an error thrown by a teardown ("error during close") but still exits 0;
      // the exit code is what CI reads, so set it before throwing.
      process.exitCode = 1;
      const shown = counted.slice(0, 10).map((l) => `  ${l.method} ${l.path} → ${l.status} (key ${l.keyLabel ?? "none"}, pid ${l.pid})`);
      throw new Error(
        `DESIGN §9 rule 1: the Tasker sandbox saw ${counted.length} DELETE request(s) during this run ` +
          `(ledger ${ledger}):\n${shown.join("\n")}`,
      );
    }
  };
}
