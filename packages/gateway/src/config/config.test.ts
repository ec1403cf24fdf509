import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { ConfigError, DEV_SECRETS, ENV_NAMES, loadConfig } from "./config";

const RSA_PEM = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

const REAL = {
  NODE_ENV: "production",
  DATABASE_URL: "postgres://gw@db.internal:5432/gateway",
  TASKER_API_URL: "https://tasker.internal",
  TASKER_API_KEY: "plane_api_7f3c9a1d5e8b4f2a9c6d0e1b3a5f7c9d",
  LAUNCHER_JWT_SECRET: "Qm9f3kL0pX7wZ2rT8vY1nB4cH6jD5sA9eG3uK7iO0",
  TOKEN_PEPPER: "Zt5pV8qW2eR7yU1iO4aS6dF9gH3jK0lX5cV8bN2m",
  PUBLIC_URL: "https://agents.example.org",
  AUDIT_SIGNING_KEY: "Q3Oao7J6xlSuX5Dtz8N9JJeCO/5VgNBDWxa3y+5E6tA=",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("loadConfig", () => {
  it("boots with no configuration in sandbox mode on the documented defaults", () => {
    const config = loadConfig({});
    expect(config.mode).toBe("sandbox");
    expect(config.port).toBe(4100);
    expect(config.host).toBe("127.0.0.1");
    expect(config.publicUrl).toBe("http://127.0.0.1:4100");
    expect(config.database.url).toBeNull();
    expect(config.database.pgliteDataDir).toBe(".data/pglite");
    expect(config.tasker.workspaceSlug).toBe("nodedc");
    expect(config.tasker.rateLimitPerMin).toBe(60);
    expect(config.launcher.issuer).toBe("nodedc-launcher");
    expect(config.launcher.ownerStatusTtlS).toBe(60);
    expect(config.tokenPepper).toBe(DEV_SECRETS.TOKEN_PEPPER);
    expect(config.devDefaults).toEqual(["TOKEN_PEPPER", "LAUNCHER_JWT_SECRET", "TASKER_API_KEY"]);
  });

  it("lets every set variable win over a sandbox default", () => {
    const config = loadConfig({ PORT: "4999", LAUNCHER_JWT_SECRET: "mine", DATABASE_URL: "postgres://x@h/db", AGENT_RATE_LIMIT_PER_MIN: "7" });
    expect(config.mode).toBe("sandbox");
    expect(config.port).toBe(4999);
    expect(config.launcher.jwtSecret).toBe("mine");
    expect(config.database.url).toBe("postgres://x@h/db");
    expect(config.limits.agentPerMin).toBe(7);
    expect(config.devDefaults).not.toContain("LAUNCHER_JWT_SECRET");
  });

  it("runs the gateway alone once TASKER_API_URL is set", () => {
    expect(loadConfig({ TASKER_API_URL: "http://127.0.0.1:9/" }).mode).toBe("gateway");
    expect(loadConfig({ TASKER_API_URL: "http://127.0.0.1:9/" }).tasker.apiUrl).toBe("http://127.0.0.1:9");
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: " " }).database.url).toBeNull();
  });

  it("reports wrong types by variable name", () => {
    expect(problemsOf({ PORT: "eighty" }).join()).toMatch(/PORT/);
    expect(problemsOf({ LAUNCHER_JWKS_URL: "not a url" }).join()).toMatch(/LAUNCHER_JWKS_URL/);
    expect(problemsOf({ NODE_ENV: "prod" }).join()).toMatch(/NODE_ENV/);
  });

  it("takes TASKER_WEB_URL as an http(s) URL without its trailing slash, and nothing else", () => {
    expect(loadConfig({}).tasker.webUrl).toBeNull();
    expect(loadConfig({ TASKER_WEB_URL: "https://tasker.example.com/" }).tasker.webUrl).toBe("https://tasker.example.com");
    expect(problemsOf({ TASKER_WEB_URL: "javascript:alert(1)" }).join()).toMatch(/TASKER_WEB_URL/);
    expect(problemsOf({ TASKER_WEB_URL: "ftp://tasker.example.com" }).join()).toMatch(/TASKER_WEB_URL/);
  });

  it("boots in production with real secrets", () => {
    const config = loadConfig(REAL);
    expect(config.mode).toBe("gateway");
    expect(config.devDefaults).toEqual([]);
  });

  it("keeps the sandbox's audit signing key beside the embedded database, and none in other modes", () => {
    expect(loadConfig({}).audit).toEqual({ signingKey: null, signingKeyFile: ".data/audit-signing-key.pem", sealIntervalS: 60 });
    expect(loadConfig({ PGLITE_DATA_DIR: "/var/lib/x/pg", AUDIT_SEAL_INTERVAL_S: "1" }).audit).toMatchObject({ signingKeyFile: "/var/lib/x/audit-signing-key.pem", sealIntervalS: 1 });
    expect(loadConfig({ PGLITE_DATA_DIR: "memory://" }).audit.signingKeyFile).toBeNull();
    expect(loadConfig({ TASKER_API_URL: "http://127.0.0.1:9" }).audit.signingKeyFile).toBeNull();
    expect(loadConfig(REAL).audit).toMatchObject({ signingKey: REAL.AUDIT_SIGNING_KEY, signingKeyFile: null });
    expect(problemsOf({ AUDIT_SEAL_INTERVAL_S: "0" }).join()).toMatch(/AUDIT_SEAL_INTERVAL_S/);
  });

  it("accepts a JWKS URL instead of the HS256 secret in production", () => {
    expect(problemsOf({ ...REAL, LAUNCHER_JWT_SECRET: undefined, LAUNCHER_JWKS_URL: "https://launcher/.well-known/jwks.json" })).toEqual([]);
  });

  describe("production refuses to boot (DESIGN §9 rule 9)", () => {
    const cases: [string, Record<string, string | undefined>, RegExp][] = [
      ["without TOKEN_PEPPER", { TOKEN_PEPPER: undefined }, /TOKEN_PEPPER is required/],
      ["with the dev TOKEN_PEPPER", { TOKEN_PEPPER: DEV_SECRETS.TOKEN_PEPPER }, /TOKEN_PEPPER looks like a placeholder/],
      ["with a placeholder TOKEN_PEPPER", { TOKEN_PEPPER: "change-me-change-me-change-me-change-me" }, /TOKEN_PEPPER looks like a placeholder/],
      ["with a short TOKEN_PEPPER", { TOKEN_PEPPER: "Zt5pV8qW2eR7" }, /TOKEN_PEPPER must be at least 32/],
      ["without any JWT verification key", { LAUNCHER_JWT_SECRET: undefined }, /LAUNCHER_JWT_SECRET or LAUNCHER_JWKS_URL/],
      ["with the dev JWT secret", { LAUNCHER_JWT_SECRET: DEV_SECRETS.LAUNCHER_JWT_SECRET }, /LAUNCHER_JWT_SECRET looks like a placeholder/],
      ["with a placeholder JWT secret", { LAUNCHER_JWT_SECRET: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }, /LAUNCHER_JWT_SECRET looks like a placeholder/],
      ["without TASKER_API_KEY", { TASKER_API_KEY: undefined }, /TASKER_API_KEY is required/],
      ["with the dev TASKER_API_KEY", { TASKER_API_KEY: DEV_SECRETS.TASKER_API_KEY }, /TASKER_API_KEY looks like a placeholder/],
      ["with a placeholder TASKER_API_KEY", { TASKER_API_KEY: "your-api-key-placeholder" }, /TASKER_API_KEY looks like a placeholder/],
      ["without DATABASE_URL", { DATABASE_URL: undefined }, /DATABASE_URL is required/],
      ["with the built-in sandbox (no TASKER_API_URL)", { TASKER_API_URL: undefined }, /sandbox cannot run in production/],
      ["with the built-in sandbox forced", { NODEDC_MODE: "sandbox" }, /sandbox cannot run in production/],
      ["without AUDIT_SIGNING_KEY", { AUDIT_SIGNING_KEY: undefined }, /AUDIT_SIGNING_KEY is required in production/],
      ["with an AUDIT_SIGNING_KEY that is no Ed25519 key", { AUDIT_SIGNING_KEY: "c2hvcnQ=" }, /AUDIT_SIGNING_KEY must be an Ed25519/],
      ["with a placeholder AUDIT_SIGNING_KEY seed", { AUDIT_SIGNING_KEY: "A".repeat(43) + "=" }, /placeholder/],
      ["with an RSA AUDIT_SIGNING_KEY", { AUDIT_SIGNING_KEY: RSA_PEM }, /must be an Ed25519 key, not rsa/],
    ];
    it.each(cases)("%s", (_name, change, expected) => {
      const problems = problemsOf({ ...REAL, ...change });
      expect(problems.join("\n")).toMatch(expected);
    });

    it("lists every problem at once", () => {
      expect(problemsOf({ NODE_ENV: "production" }).length).toBeGreaterThanOrEqual(5);
    });
  });

  it("names every documented variable in one schema", () => {
    for (const name of [
      "PORT", "HOST", "PUBLIC_URL", "DATABASE_URL", "PGLITE_DATA_DIR", "TASKER_API_URL", "TASKER_API_KEY",
      "TASKER_WORKSPACE_SLUG", "TASKER_WEB_URL", "TASKER_RATE_LIMIT_PER_MIN", "TASKER_TIMEOUT_MS", "TASKER_SANDBOX_RATE_LIMIT_PER_MIN",
      "LAUNCHER_JWT_SECRET", "LAUNCHER_JWKS_URL", "LAUNCHER_JWT_ISSUER", "LAUNCHER_API_URL", "OWNER_STATUS_TTL_S",
      "OWNER_STATUS_GRACE_S", "TOKEN_PEPPER", "AGENT_RATE_LIMIT_PER_MIN", "OWNER_RATE_LIMIT_PER_MIN",
      "PAIRING_RATE_LIMIT_PER_IP_PER_MIN", "PAIRING_RATE_LIMIT_GLOBAL_PER_MIN", "LOG_LEVEL", "NODE_ENV", "NODEDC_MODE",
      "AUDIT_SIGNING_KEY", "AUDIT_SEAL_INTERVAL_S",
    ]) expect(ENV_NAMES).toContain(name);
  });
});
