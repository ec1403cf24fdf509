import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

// The production entry (Dockerfile: `node dist/main.js`). Only the workspace contract is
// bundled (it ships as TypeScript); npm dependencies stay external. The built-in sandbox
// stays external too: production refuses it, so dist never needs it. Migrations are read
// from `./migrations/` next to the module, so they are copied beside the bundle (and the
// console's `./assets/`).
export default defineConfig({
  entry: { main: "src/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  outDir: "dist",
  clean: true,
  splitting: false,
  sourcemap: true,
  noExternal: [/^@nodedc\/shared/],
  external: ["@nodedc/tasker-sandbox"],
  onSuccess: async () => {
    cpSync("src/db/migrations", "dist/migrations", { recursive: true });
    // The console reads its script and stylesheet from ./assets/ next to the module.
    cpSync("src/console/assets", "dist/assets", { recursive: true });
  },
});
