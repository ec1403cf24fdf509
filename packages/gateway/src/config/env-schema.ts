import { z } from "zod";
import proxyaddr from "proxy-addr";

/**
 * Every environment variable the gateway reads (DESIGN §6, §11), its default and why.
 * Parsed once at start by `loadConfig`; nothing else in the gateway touches process.env.
 * Defaults marked DEV are sandbox-only secrets: production refuses them (§9 rule 9).
 */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalUrl = z.url().optional();
const optionalString = z.string().min(1).optional();

/** Empty strings count as unset, so `FOO=` in an env file behaves like no FOO at all. */
export function dropEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v.trim() !== "") out[k] = v;
  return out;
}

export const envSchema = z.object({
  /** production turns on the refusal of placeholder secrets and the built-in sandbox. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** auto: sandbox when TASKER_API_URL is unset, else the gateway alone against that Tasker. */
  NODEDC_MODE: z.enum(["auto", "sandbox", "gateway"]).default("auto"),
  /** Loopback by default so a dev machine never exposes the sandbox by accident. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** 4100 is the documented port of the gateway; 0 picks a free one (tests). */
  PORT: int(0, 65535).default(4100),
  /** The URL agents reach us at; printed in pair commands. Default http://HOST:PORT. */
  PUBLIC_URL: optionalUrl,
  /** Unset → embedded PGlite served over the wire protocol; production requires a real Postgres. */
  DATABASE_URL: optionalString,
  /** Where embedded PGlite keeps its files; `memory://` keeps nothing (tests). */
  PGLITE_DATA_DIR: z.string().min(1).default(".data/pglite"),
  /** Pool size per replica; Postgres connections are the scarce resource. */
  DATABASE_POOL_MAX: int(1, 100).default(10),
  /** Unset → in sandbox mode the built-in Plane-compatible sandbox is started. */
  TASKER_API_URL: optionalUrl,
  /** The gateway's service key for Tasker; agents never see it. DEV default in sandbox. */
  TASKER_API_KEY: optionalString,
  /** Tasker's web app (e.g. https://tasker.example.com): set → cards carry a `url` humans can open. */
  TASKER_WEB_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The single Tasker workspace this gateway serves. */
  TASKER_WORKSPACE_SLUG: z.string().min(1).default("nodedc"),
  /** Upstream budget per service key (Plane's default is 60/min). */
  TASKER_RATE_LIMIT_PER_MIN: int(1, 1_000_000).default(60),
  /** A Tasker call that takes longer is abandoned (reads retry, writes reconcile). */
  TASKER_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Port of the built-in sandbox Tasker in sandbox mode. */
  TASKER_SANDBOX_PORT: int(0, 65535).default(4110),
  /** Per-key limit of the built-in sandbox, like Plane's 60/min; benchmarks lift it. */
  TASKER_SANDBOX_RATE_LIMIT_PER_MIN: int(1, 1_000_000).default(60),
  /** HS256 secret of Launcher JWTs (or use LAUNCHER_JWKS_URL). DEV default in sandbox. */
  LAUNCHER_JWT_SECRET: optionalString,
  /** JWKS of Launcher for asymmetric JWTs; takes precedence over the secret when both are set. */
  LAUNCHER_JWKS_URL: optionalUrl,
  /** Expected `iss` of Launcher JWTs. */
  LAUNCHER_JWT_ISSUER: z.string().min(1).default("nodedc-launcher"),
  /** Set → owner status is also checked at request time against Launcher (§6). */
  LAUNCHER_API_URL: optionalUrl,
  /** Where the owner console sends a visitor who is not signed in (Launcher's sign-in page). */
  LAUNCHER_LOGIN_URL: optionalUrl,
  /** Bearer credential for LAUNCHER_API_URL, when Launcher asks for one. */
  LAUNCHER_API_TOKEN: optionalString,
  /** How long a checked owner status is trusted before asking Launcher again. */
  OWNER_STATUS_TTL_S: int(1, 86_400).default(60),
  /** How long Launcher may be unreachable before owners fail closed. */
  OWNER_STATUS_GRACE_S: int(0, 86_400).default(300),
  /** HMAC key for token and pairing-code hashes: a DB dump alone cannot test guesses. DEV default in sandbox. */
  TOKEN_PEPPER: optionalString,
  /** Per-token tool calls per minute. */
  AGENT_RATE_LIMIT_PER_MIN: int(1, 1_000_000).default(120),
  /** Per-owner tool calls per minute, over all of the owner's agents. */
  OWNER_RATE_LIMIT_PER_MIN: int(1, 1_000_000).default(600),
  /** Pairing exchanges per client IP per minute: 8 chars of 20 letters resist guessing only if attempts are slow. */
  PAIRING_RATE_LIMIT_PER_IP_PER_MIN: int(1, 1_000_000).default(10),
  /** Pairing exchanges per minute over all IPs: caps distributed guessing. */
  PAIRING_RATE_LIMIT_GLOBAL_PER_MIN: int(1, 1_000_000).default(300),
  /**
   * How many proxies stand in front of the gateway: the client IP is the right-most
   * X-Forwarded-For hop that is not one of them. A number of hops; `true` means 1 (one
   * proxy), `false`/0 reads the socket only. Unset: 0, or any number when TRUSTED_PROXIES is set.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(true|false|yes|no|on|off|\d{1,2})$/, "a number of proxy hops (0–99), true (1) or false (0)")
    .transform((v) => (["true", "yes", "on"].includes(v) ? 1 : ["false", "no", "off"].includes(v) ? 0 : Number(v)))
    .optional(),
  /** Comma-separated IPs/CIDRs (or loopback, linklocal, uniquelocal) of those proxies: only a hop inside them is skipped. */
  TRUSTED_PROXIES: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter((s) => s !== ""))
    .refine((ranges) => {
      try {
        proxyaddr.compile(ranges); // throws on an entry that is not an IP, CIDR or named range
        return ranges.length > 0;
      } catch {
        return false;
      }
    }, "a comma-separated list of IPs, CIDRs or loopback/linklocal/uniquelocal")
    .optional(),
  /** last_seen_at/last_used_at are written at most once per this many seconds per token. */
  LAST_SEEN_WRITE_INTERVAL_S: int(0, 3600).default(30),
  /** Seconds an idempotency claim lives without renewal; a live call renews it every third of that, so only a crashed holder's claim expires. */
  IDEMPOTENCY_LEASE_S: int(1, 3600).default(60),
  /** Ed25519 key signing audit checkpoints: PKCS#8 PEM or base64 of the 32-byte seed. Required in production; sandbox mode keeps one in .data/. */
  AUDIT_SIGNING_KEY: optionalString,
  /** Seconds between audit seals (checkpoints); many waiting events seal earlier. */
  AUDIT_SEAL_INTERVAL_S: int(1, 86_400).default(60),
  /** pino level. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;
