import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** DESIGN §9 rule 9, end to end: the real entry point exits before opening anything. */
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function boot(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", main], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stderr: result.stderr };
}

describe("production boot", () => {
  it("refuses to start with no configuration (sandbox, no DATABASE_URL, no secrets) and says why", () => {
    const { code, stderr } = boot({ NODE_ENV: "production", PORT: "0" });
    expect(code).toBe(78);
    for (const name of ["TOKEN_PEPPER", "TASKER_API_KEY", "LAUNCHER_JWT_SECRET or LAUNCHER_JWKS_URL", "DATABASE_URL", "sandbox", "AUDIT_SIGNING_KEY is required"]) expect(stderr).toContain(name);
  });

  it("refuses placeholder secrets even when everything else is set", () => {
    const { code, stderr } = boot({
      NODE_ENV: "production",
      PORT: "0",
      DATABASE_URL: "postgres://gw@127.0.0.1:1/none",
      TASKER_API_URL: "http://127.0.0.1:1",
      TASKER_API_KEY: "changeme",
      LAUNCHER_JWT_SECRET: "dev-insecure-launcher-jwt-secret-change-me-000",
      TOKEN_PEPPER: "placeholder-placeholder-placeholder-placeholder",
      PUBLIC_URL: "https://agents.example.org",
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/TOKEN_PEPPER looks like a placeholder/);
    expect(stderr).toMatch(/LAUNCHER_JWT_SECRET looks like a placeholder/);
    expect(stderr).toMatch(/TASKER_API_KEY looks like a placeholder/);
    expect(stderr).not.toContain("placeholder-placeholder");
    expect(stderr).toMatch(/AUDIT_SIGNING_KEY is required in production/);
  });

  it("refuses an audit signing key that is not an Ed25519 key, without printing it", () => {
    const { code, stderr } = boot({
      NODE_ENV: "production",
      PORT: "0",
      DATABASE_URL: "postgres://gw@127.0.0.1:1/none",
      TASKER_API_URL: "http://127.0.0.1:1",
      TASKER_API_KEY: "plane_api_7f3c9a1d5e8b4f2a9c6d0e1b3a5f7c9d",
      LAUNCHER_JWT_SECRET: "Qm9f3kL0pX7wZ2rT8vY1nB4cH6jD5sA9eG3uK7iO0",
      TOKEN_PEPPER: "Zt5pV8qW2eR7yU1iO4aS6dF9gH3jK0lX5cV8bN2m",
      PUBLIC_URL: "https://agents.example.org",
      AUDIT_SIGNING_KEY: "bm90LWEta2V5LWF0LWFsbC1qdXN0LXRleHQ=",
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/AUDIT_SIGNING_KEY must be an Ed25519/);
    expect(stderr).not.toContain("bm90LWEta2V5");
  });
});
