/**
 * `pnpm pairing-code`: a fresh pairing code for the sandbox's demo agent, asked of the
 * RUNNING gateway over its internal API (the embedded database belongs to that process),
 * with a Launcher JWT signed by the same LAUNCHER_JWT_SECRET (the DEV default in sandbox).
 */
import { SignJWT } from "jose";
import { routePath, ROUTES } from "@nodedc/shared";
import { loadConfig } from "../config/config";
import { GATEWAY_AUDIENCE } from "../auth/launcher-jwt";
import { DEMO_AGENT_NAME, DEMO_OWNER } from "./demo-seed";

const config = loadConfig();
if (!config.launcher.jwtSecret) {
  process.stderr.write("pairing-code needs LAUNCHER_JWT_SECRET (HS256) to sign its request\n");
  process.exit(78);
}
const now = Math.floor(Date.now() / 1000);
const jwt = await new SignJWT({ email: DEMO_OWNER.email, role: "user" })
  .setProtectedHeader({ alg: "HS256" })
  .setSubject(DEMO_OWNER.user_id)
  .setIssuer(config.launcher.issuer)
  .setAudience(GATEWAY_AUDIENCE)
  .setIssuedAt(now)
  .setExpirationTime(now + 120)
  .sign(new TextEncoder().encode(config.launcher.jwtSecret));
const headers = { Authorization: `Bearer ${jwt}`, "Content-Type": "application/json" };

try {
  const list = await fetch(`${config.publicUrl}${ROUTES.agents}?limit=100`, { headers });
  if (!list.ok) throw new Error(`listing agents answered ${list.status}: ${await list.text()}`);
  const { items } = (await list.json()) as { items: { id: string; display_name: string; status: string }[] };
  const agent = items.find((a) => a.display_name === DEMO_AGENT_NAME && a.status !== "revoked");
  if (!agent) throw new Error("no demo agent: is the gateway running in sandbox mode (pnpm start)?");
  const res = await fetch(`${config.publicUrl}${routePath(ROUTES.agentPairingCodes, { agent_id: agent.id })}`, { method: "POST", headers, body: "{}" });
  if (res.status !== 201) throw new Error(`creating the code answered ${res.status}: ${await res.text()}`);
  const { command, expires_at } = (await res.json()) as { command: string; expires_at: string };
  process.stderr.write(`Pairing code for "${DEMO_AGENT_NAME}" (valid until ${expires_at}):\n`);
  process.stderr.write(`  from this checkout:  ${command.replace(/^npx /, "pnpm exec ")}\n  with npx:            `);
  process.stdout.write(`${command}\n`);
} catch (error) {
  process.stderr.write(`pairing-code: ${(error as Error).message}\nIs the gateway running at ${config.publicUrl}? Start it with: pnpm start\n`);
  process.exit(1);
}
