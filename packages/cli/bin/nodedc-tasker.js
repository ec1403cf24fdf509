#!/usr/bin/env node
// The published bin. It exists (unlike dist/ on a fresh clone) when pnpm links the
// workspace, so `pnpm exec nodedc-tasker` works from a checkout once `pnpm start` or
// `pnpm build` has built dist/cli.js.
import("../dist/cli.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    process.stderr.write("nodedc-tasker is not built in this checkout: run `pnpm build` (or `pnpm start`) first.\n");
    process.exit(1);
  }
  throw error;
});
