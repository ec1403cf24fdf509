import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// A one-file vitest run with the suite's real DELETE-ledger globalSetup; driven by
// ../delete-ledger-run.int.test.ts to prove that a DELETE fails `vitest run`.
export default defineConfig({
  test: {
    include: ["sends-delete.fixture.ts"],
    globalSetup: [fileURLToPath(new URL("../../../../../test/setup/delete-ledger.global.ts", import.meta.url))],
  },
});
