import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * No tsconfig of the repo sets `jsx`: each .tsx says `@jsxImportSource hono/jsx` itself.
 * `pnpm start` runs the gateway through tsx, which without the pragma compiles JSX to
 * `React.createElement` and the page answers 500 ("React is not defined"); vitest's own
 * transform hides that, so this test holds the line.
 */
const SRC = fileURLToPath(new URL("../../", import.meta.url));
const tsxFiles = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".tsx"));

describe("JSX pragma", () => {
  it.each(tsxFiles)("%s renders with hono/jsx whoever compiles it", (file) => {
    const first = readFileSync(path.join(SRC, file), "utf8").split("\n", 1)[0];
    expect(first).toBe("/** @jsxRuntime automatic @jsxImportSource hono/jsx */");
  });
});
