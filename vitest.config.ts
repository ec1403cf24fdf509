import { defineConfig } from "vitest/config";

// One config for the monorepo. `pnpm test` runs unit, integration, smoke and browser; .ci/run
// repeats `smoke` on embedded PGlite and runs `journey` (the README's start command as a
// child process, driven like Codex would) on its own.
const exclude = ["**/node_modules/**", "**/dist/**"];
// DESIGN §9 rule 1 suite-wide: every Tasker sandbox of the run appends its DELETE requests to
// a ledger; the teardown fails the run on any not made by the sandbox's own DELETE tests.
const globalSetup = ["test/setup/delete-ledger.global.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          globalSetup,
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: [...exclude, "**/*.int.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          globalSetup,
          include: ["packages/*/src/**/*.int.test.ts", "packages/*/test/**/*.test.ts"],
          exclude: [...exclude, "**/*.smoke.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "smoke",
          globalSetup,
          include: ["packages/*/test/**/*.smoke.test.ts"],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The owner console in a real Chromium (Debian's /usr/bin/chromium via playwright-core).
        test: {
          name: "browser",
          globalSetup,
          include: ["test/console/**/*.browser.ts"],
          exclude,
          // A page's answer is awaited with expect.poll; its default 1 s bound failed the
          // journey's first "Create agent" on a loaded 2-core machine. A bound, not a sleep.
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "journey",
          include: ["test/journey/**/*.journey.ts"],
          exclude,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // `pnpm test:faults`: fuzzing, crashes and outages (docs/FAULTS.md); sized by FAULTS_SIZE.
        test: {
          name: "faults",
          globalSetup: [...globalSetup, "test/faults/faults.global.ts"],
          include: ["test/faults/**/*.faults.ts"],
          exclude,
          testTimeout: 3_600_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
