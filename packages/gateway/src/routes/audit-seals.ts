import { Hono, type MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import { auditCheckpointQuerySchema, auditEventIdParamSchema, LIMITS, ROUTES } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { parseWith, readQuery } from "../http/validate";
import { checkpointJson } from "../audit/sealing/checkpoint";
import { proveEvent } from "../audit/sealing/event-proof";
import { listCheckpoints } from "../audit/sealing/seal-store";
import type { SigningKey } from "../audit/sealing/signing-key";

const seqCursor = z.object({ seq: z.number().int().min(2) });

function encodeSeqCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ seq })).toString("base64url");
}

function decodeSeqCursor(cursor: string): number {
  try {
    return seqCursor.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))).seq;
  } catch {
    throw HttpError.validation("query.cursor: not a cursor this API returned", {
      issues: [{ path: "query.cursor", code: "invalid_cursor", message: "not a cursor this API returned" }],
    });
  }
}

/** Sealed audit (DESIGN §15): checkpoints (admin), the public key (anyone), inclusion proofs (who may read the event). */
export function auditSealRoutes(deps: { sql: Sql; requireUser: MiddlewareHandler<GatewayEnv>; signingKey: SigningKey }): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.get(ROUTES.auditPublicKey, (c) => c.json({ key_id: deps.signingKey.keyId, public_key: deps.signingKey.publicKeyPem }));

  routes.use(ROUTES.auditCheckpoints, deps.requireUser);
  routes.get(ROUTES.auditCheckpoints, async (c) => {
    if (c.get("user").role !== "platform_admin") throw HttpError.forbidden("only a platform admin may list audit checkpoints");
    const q = readQuery(c, auditCheckpointQuerySchema);
    const limit = q.limit ?? LIMITS.default_page_size;
    const rows = await listCheckpoints(deps.sql, q.cursor ? decodeSeqCursor(q.cursor) : null, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({ items: page.map(checkpointJson), next_cursor: rows.length > limit && last ? encodeSeqCursor(last.seq) : null });
  });

  routes.use(ROUTES.auditEventProof, deps.requireUser);
  routes.get(ROUTES.auditEventProof, async (c) => {
    const { id } = parseWith(auditEventIdParamSchema, c.req.param(), "path");
    const user = c.get("user");
    return c.json(await proveEvent(deps.sql, id, user.role === "platform_admin" ? null : user.user_id));
  });
  return routes;
}
