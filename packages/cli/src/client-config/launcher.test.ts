import { describe, expect, it } from "vitest";
import { CLI_VERSION } from "../version";
import { isInstalledPackagePath, resolveLauncher } from "./launcher";

describe("launcher detection", () => {
  it("knows an npm-installed CLI from a source checkout", () => {
    expect(isInstalledPackagePath("/home/a/.npm/_npx/1a2b/node_modules/nodedc-tasker/dist/cli.js")).toBe(true);
    expect(isInstalledPackagePath("/usr/lib/node_modules/nodedc-tasker/dist/cli.js")).toBe(true);
    expect(isInstalledPackagePath("C:\\Users\\a\\AppData\\Local\\npm-cache\\_npx\\x\\node_modules\\nodedc-tasker\\dist\\cli.js")).toBe(true);
    expect(isInstalledPackagePath("/home/a/src/nodedc-tasker/packages/cli/dist/cli.js")).toBe(false);
  });

  it("auto: npx with the exact version when installed, node + absolute script from a checkout", () => {
    const base = { nodePath: "/usr/bin/node", profileArgs: [], env: {} };
    expect(resolveLauncher({ ...base, choice: "auto", scriptPath: "/x/node_modules/nodedc-tasker/dist/cli.js" })).toEqual({
      command: "npx",
      args: ["-y", `nodedc-tasker@${CLI_VERSION}`, "mcp"],
      env: {},
      launcher: "npx",
    });
    expect(resolveLauncher({ ...base, choice: "auto", scriptPath: "/src/packages/cli/dist/cli.js" })).toMatchObject({
      command: "/usr/bin/node",
      args: ["/src/packages/cli/dist/cli.js", "mcp"],
      launcher: "node",
    });
  });

  it("honours an explicit choice and appends the profile", () => {
    const launch = resolveLauncher({ choice: "npx", scriptPath: "/src/cli.js", nodePath: "/n", profileArgs: ["--profile", "work"], env: {} });
    expect(launch.args).toEqual(["-y", `nodedc-tasker@${CLI_VERSION}`, "mcp", "--profile", "work"]);
  });
});
