import { dirname, join } from "node:path";
import { parseSigningKey, SigningKeyError } from "../audit/sealing/signing-key";
import { dropEmpty, envSchema, type Env } from "./env-schema";
import type { ProxyTrust } from "../http/client-ip";

/**
 * The gateway's configuration, parsed once from the environment (STYLE rule 8).
 * Sandbox defaults fill unset secrets outside production; production refuses placeholders.
 */
export interface Config {
  nodeEnv: Env["NODE_ENV"];
  /** sandbox: the built-in Tasker sandbox and demo data; gateway: a real Tasker at tasker.apiUrl. */
  mode: "sandbox" | "gateway";
  host: string;
  port: number;
  publicUrl: string;
  database: {
    /** null → embedded PGlite served over the wire protocol. */
    url: string | null;
    pgliteDataDir: string;
    poolMax: number;
  };
  tasker: {
    /** null in sandbox mode until the sandbox has started and its URL is known. */
    apiUrl: string | null;
    apiKey: string;
    /** Tasker's web app, for the `url` of cards; null → cards carry none. */
    webUrl: string | null;
    workspaceSlug: string;
    rateLimitPerMin: number;
    timeoutMs: number;
    sandboxPort: number;
    sandboxRateLimitPerMin: number;
  };
  launcher: {
    jwtSecret: string | null;
    jwksUrl: string | null;
    issuer: string;
    apiUrl: string | null;
    apiToken: string | null;
    /** The owner console's sign-in redirect for unsigned visitors (null → the console's own form). */
    loginUrl?: string | null;
    ownerStatusTtlS: number;
    ownerStatusGraceS: number;
  };
  tokenPepper: string;
  limits: {
    agentPerMin: number;
    ownerPerMin: number;
    pairingPerIpPerMin: number;
    pairingGlobalPerMin: number;
  };
  audit: {
    /** AUDIT_SIGNING_KEY as given (validated), or null. */
    signingKey: string | null;
    /** Sandbox mode without a key: the file that keeps its key (`.data/audit-signing-key.pem`); null → a key per process. */
    signingKeyFile: string | null;
    sealIntervalS: number;
  };
  /** Which X-Forwarded-For hops are our proxies (http/client-ip.ts). */
  trustProxy: ProxyTrust;
  lastSeenWriteIntervalS: number;
  idempotencyLeaseS: number;
  logLevel: Env["LOG_LEVEL"];
  /** Names of settings that fell back to DEV defaults (for the sandbox banner). */
  devDefaults: string[];
}

/** DEV defaults: obviously fake, long enough to work, refused in production. */
export const DEV_SECRETS = {
  TOKEN_PEPPER: "dev-insecure-token-pepper-change-me-0000000000",
  LAUNCHER_JWT_SECRET: "dev-insecure-launcher-jwt-secret-change-me-000",
  TASKER_API_KEY: "plane_api_dev_insecure_sandbox_service_key",
} as const;

const PLACEHOLDER = /insecure|change[-_ ]?me|placeholder|example|dummy|secret$|^dev[-_]|^test[-_]?|^x+$|^(.)\1+$/i;
const MIN_SECRET_CHARS = 32;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || (Object.values(DEV_SECRETS) as string[]).includes(value);
}

export function loadConfig(rawEnv: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(dropEmpty(rawEnv));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === "production";
  const mode: Config["mode"] =
    env.NODEDC_MODE === "auto" ? (env.TASKER_API_URL ? "gateway" : "sandbox") : env.NODEDC_MODE;

  const problems: string[] = [];
  const devDefaults: string[] = [];
  const secret = (name: keyof typeof DEV_SECRETS, value: string | undefined, required: boolean): string | null => {
    if (production) {
      if (value === undefined) {
        if (required) problems.push(`${name} is required in production`);
        return null;
      }
      if (isPlaceholder(value)) problems.push(`${name} looks like a placeholder; set a real secret`);
      else if (name !== "TASKER_API_KEY" && value.length < MIN_SECRET_CHARS)
        problems.push(`${name} must be at least ${MIN_SECRET_CHARS} characters in production`);
      return value;
    }
    if (value !== undefined) return value;
    if (!required) return null;
    devDefaults.push(name);
    return DEV_SECRETS[name];
  };

  const tokenPepper = secret("TOKEN_PEPPER", env.TOKEN_PEPPER, true);
  const jwtSecret = secret("LAUNCHER_JWT_SECRET", env.LAUNCHER_JWT_SECRET, !env.LAUNCHER_JWKS_URL && !production);
  const taskerKey = secret("TASKER_API_KEY", env.TASKER_API_KEY, true);

  if (production) {
    if (!env.LAUNCHER_JWT_SECRET && !env.LAUNCHER_JWKS_URL)
      problems.push("LAUNCHER_JWT_SECRET or LAUNCHER_JWKS_URL is required in production");
    if (!env.DATABASE_URL) problems.push("DATABASE_URL is required in production (embedded PGlite is for development)");
    if (mode === "sandbox") problems.push("the built-in Tasker sandbox cannot run in production: set TASKER_API_URL");
    if (!env.TASKER_API_URL) problems.push("TASKER_API_URL is required in production");
    if (!env.PUBLIC_URL) problems.push("PUBLIC_URL is required in production (it goes into pair commands)");
    if (!env.AUDIT_SIGNING_KEY) problems.push("AUDIT_SIGNING_KEY is required in production (an Ed25519 key that signs audit checkpoints)");
  }
  if (env.AUDIT_SIGNING_KEY) {
    try {
      parseSigningKey(env.AUDIT_SIGNING_KEY);
    } catch (error) {
      if (!(error instanceof SigningKeyError)) throw error;
      problems.push(error.message);
    }
  }
  if (env.TRUSTED_PROXIES && env.TRUST_PROXY === 0) problems.push("TRUSTED_PROXIES is set but TRUST_PROXY=0 turns proxies off; unset one of them");
  if (mode === "gateway" && !env.TASKER_API_URL) problems.push("NODEDC_MODE=gateway needs TASKER_API_URL");
  if (problems.length > 0) throw new ConfigError(problems);

  const publicHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "127.0.0.1" : env.HOST;
  return {
    nodeEnv: env.NODE_ENV,
    mode,
    host: env.HOST,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://${publicHost}:${env.PORT}`).replace(/\/+$/, ""),
    database: { url: env.DATABASE_URL ?? null, pgliteDataDir: env.PGLITE_DATA_DIR, poolMax: env.DATABASE_POOL_MAX },
    tasker: {
      apiUrl: env.TASKER_API_URL?.replace(/\/+$/, "") ?? null,
      apiKey: taskerKey!,
      webUrl: env.TASKER_WEB_URL?.replace(/\/+$/, "") ?? null,
      workspaceSlug: env.TASKER_WORKSPACE_SLUG,
      rateLimitPerMin: env.TASKER_RATE_LIMIT_PER_MIN,
      timeoutMs: env.TASKER_TIMEOUT_MS,
      sandboxPort: env.TASKER_SANDBOX_PORT,
      sandboxRateLimitPerMin: env.TASKER_SANDBOX_RATE_LIMIT_PER_MIN,
    },
    launcher: {
      jwtSecret,
      jwksUrl: env.LAUNCHER_JWKS_URL ?? null,
      issuer: env.LAUNCHER_JWT_ISSUER,
      apiUrl: env.LAUNCHER_API_URL?.replace(/\/+$/, "") ?? null,
      apiToken: env.LAUNCHER_API_TOKEN ?? null,
      loginUrl: env.LAUNCHER_LOGIN_URL ?? null,
      ownerStatusTtlS: env.OWNER_STATUS_TTL_S,
      ownerStatusGraceS: env.OWNER_STATUS_GRACE_S,
    },
    tokenPepper: tokenPepper!,
    limits: {
      agentPerMin: env.AGENT_RATE_LIMIT_PER_MIN,
      ownerPerMin: env.OWNER_RATE_LIMIT_PER_MIN,
      pairingPerIpPerMin: env.PAIRING_RATE_LIMIT_PER_IP_PER_MIN,
      pairingGlobalPerMin: env.PAIRING_RATE_LIMIT_GLOBAL_PER_MIN,
    },
    audit: {
      signingKey: env.AUDIT_SIGNING_KEY ?? null,
      signingKeyFile:
        env.AUDIT_SIGNING_KEY || mode !== "sandbox" || env.PGLITE_DATA_DIR.startsWith("memory://")
          ? null
          : join(dirname(env.PGLITE_DATA_DIR), "audit-signing-key.pem"),
      sealIntervalS: env.AUDIT_SEAL_INTERVAL_S,
    },
    trustProxy: {
      hops: env.TRUST_PROXY ?? (env.TRUSTED_PROXIES ? Number.MAX_SAFE_INTEGER : 0),
      proxies: env.TRUSTED_PROXIES ?? null,
    },
    lastSeenWriteIntervalS: env.LAST_SEEN_WRITE_INTERVAL_S,
    idempotencyLeaseS: env.IDEMPOTENCY_LEASE_S,
    logLevel: env.LOG_LEVEL,
    devDefaults,
  };
}

/** The variable names the schema knows (docs and the README table are checked against it). */
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof Env)[];
export type { Env };
