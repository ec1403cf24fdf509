import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const PKG = join(dirname(fileURLToPath(import.meta.url)), "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function waitForBanner(child: ChildProcess, stderr: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${stderr.text}`)), 30_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr.text += chunk.toString();
      if (stderr.text.includes("Control:")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${stderr.text}`)));
  });
}

describe("main.ts (pnpm start)", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("serves on the configured port, honours TASKER_API_KEY and the rate limit, exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const key = "plane_api_abcdefabcdefabcdefabcdefabcdef12";
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: PKG,
      env: { ...process.env, TASKER_SANDBOX_PORT: String(port), TASKER_API_KEY: key, TASKER_SANDBOX_RATE_LIMIT_PER_MIN: "7" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
    const stderr = { text: "" };
    await waitForBanner(child, stderr);
    expect(stderr.text).toContain("SANDBOX");
    expect(stderr.text).toContain(`http://127.0.0.1:${port}/api/v1/workspaces/nodedc/`);
    expect(stderr.text).not.toContain(key);
    expect(stdout).toBe("");

    const me = await fetch(`http://127.0.0.1:${port}/api/v1/users/me/`, { headers: { "X-Api-Key": key } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe("tasker-gateway@nodedc.local");
    expect(me.headers.get("x-ratelimit-remaining")).toBe("6");

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
