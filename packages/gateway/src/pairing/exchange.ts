import { normalizePairingCode, truncateCodePoints, type PairingExchangeResponse } from "@nodedc/shared";
import type { z } from "zod";
import type { pairingExchangeRequestSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import { HttpError } from "../http/http-error";
import { listGrants } from "../grants/grant-store";
import { getOwner } from "../owners/owner-store";
import { getAgent } from "../agents/agent-store";
import { hashPairingCode } from "../tokens/secret-hash";
import { insertToken } from "../tokens/token-store";
import { rateLimitHeaders } from "../rate-limit/rate-limiter";
import { consumePairingCode, linkPairingToken } from "./pairing-store";

export interface ExchangeInput {
  body: z.output<typeof pairingExchangeRequestSchema>;
  ip: string;
  requestId: string;
}

/**
 * Pairing exchange (DESIGN §3, §5): rate limits first (per IP and global, in Postgres),
 * then one conditional UPDATE consumes the code and the token is created in the same
 * transaction. Every refusal is the same 400 pairing_code_invalid and is audited.
 */
export async function exchangePairingCode(deps: GatewayDeps, input: ExchangeInput): Promise<PairingExchangeResponse> {
  await consumeExchangeAttempt(deps, input);

  const code = normalizePairingCode(input.body.code);
  if (code === null) {
    await auditFailure(deps, input, "malformed_code", "pairing_code_invalid");
    throw HttpError.pairingCodeInvalid();
  }
  const result = await deps.sql.begin(async (tx) => {
    const pairing = await consumePairingCode(tx, hashPairingCode(deps.config.tokenPepper, code));
    if (!pairing) return null;
    const { token, row } = await insertToken(tx, deps.config.tokenPepper, {
      agent_id: pairing.agent_id,
      name: input.body.device_name,
      device_name: input.body.device_name,
      client: input.body.client,
      created_via: "pairing",
      created_by: pairing.owner_user_id,
    });
    await linkPairingToken(tx, pairing.id, row.id);
    await deps.audit.inTransaction(tx, {
      actor_type: "anonymous",
      agent_id: pairing.agent_id,
      owner_user_id: pairing.owner_user_id,
      token_id: row.id,
      action: "pairing.exchange",
      outcome: "allowed",
      request_id: input.requestId,
      details: { pairing_code_id: pairing.id, device_name: input.body.device_name, client: input.body.client, ip: input.ip },
    });
    const [agent, owner, grants] = await Promise.all([getAgent(tx, pairing.agent_id), getOwner(tx, pairing.owner_user_id), listGrants(tx, pairing.agent_id)]);
    return { token, row, agent: agent!, owner: owner!, grants };
  });
  if (!result) {
    await auditFailure(deps, input, "unknown_used_or_expired", "pairing_code_invalid");
    throw HttpError.pairingCodeInvalid();
  }
  return {
    token: result.token,
    token_id: result.row.id,
    agent: { id: result.agent.id, display_name: result.agent.display_name },
    owner: { user_id: result.owner.user_id, email: result.owner.email },
    gateway_url: deps.config.publicUrl,
    expires_at: result.row.expires_at?.toISOString() ?? null,
    grants: result.grants.map((g) => ({
      project_id: g.project_id,
      workspace_slug: g.workspace_slug,
      project_identifier: g.project_identifier,
      project_name: g.project_name,
      scopes: g.scopes,
    })),
  };
}

/** Every attempt counts against the per-IP and global limits; past them → 429, audited. */
async function consumeExchangeAttempt(deps: GatewayDeps, input: Omit<ExchangeInput, "body"> & { body: AttemptFields }): Promise<void> {
  const { limits } = deps.config;
  const [perIp, global] = await Promise.all([
    deps.rateLimiter.consume(`pairing:ip:${input.ip}`, limits.pairingPerIpPerMin, 60),
    deps.rateLimiter.consume("pairing:global", limits.pairingGlobalPerMin, 60),
  ]);
  const refusedBy = !perIp.allowed ? perIp : !global.allowed ? global : null;
  if (refusedBy) {
    await auditFailure(deps, input, "rate_limited", "rate_limited");
    const error = HttpError.rateLimited(refusedBy.reset_s);
    Object.assign(error.headers, rateLimitHeaders(refusedBy));
    throw error;
  }
}

/** What a refused attempt's audit event says about the device (never the code). */
interface AttemptFields {
  device_name?: unknown;
  client?: unknown;
}

/**
 * A body the contract refused (malformed JSON, a wrong field, NUL in device_name) is a
 * failed attempt like any other: it counts against the limits and is audited, then the
 * 422 is thrown. Without this, bytes the contract refuses would make guessing invisible.
 */
export async function refuseMalformedExchange(deps: GatewayDeps, input: { rawBody: string; ip: string; requestId: string }, refusal: unknown): Promise<never> {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(input.rawBody);
  } catch {
    // not JSON: nothing to say about the device
  }
  const objectOf = (v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  // only the fields a valid body has, each cut to its size: the audit row stays small
  const short = (v: unknown, max: number) => (typeof v === "string" ? truncateCodePoints(v, max) : undefined);
  const fields = objectOf(parsed);
  const client = objectOf(fields.client);
  const body: AttemptFields = {
    device_name: short(fields.device_name, 120),
    client: fields.client === undefined ? undefined : { name: short(client.name, 64), version: short(client.version, 64), platform: short(client.platform, 64) },
  };
  await consumeExchangeAttempt(deps, { ...input, body });
  await auditFailure(deps, { ...input, body }, "malformed_request", refusal instanceof HttpError ? refusal.code : "validation_failed");
  throw refusal;
}

async function auditFailure(deps: GatewayDeps, input: Omit<ExchangeInput, "body"> & { body: AttemptFields }, reason: string, errorCode: string): Promise<void> {
  try {
    await deps.audit.relaxed({
      actor_type: "anonymous",
      action: "pairing.exchange",
      outcome: "denied",
      error_code: errorCode,
      request_id: input.requestId,
      details: { reason, ip: input.ip, device_name: input.body.device_name, client: input.body.client },
    });
  } catch {
    // the recorder has raised the alarm (metric + error log); the refusal still stands
  }
}
