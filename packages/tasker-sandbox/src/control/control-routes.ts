import type { Hono } from "hono";
import { z } from "zod";
import type { SandboxAppDeps, SandboxEnv } from "../app";
import { FAULT_MODES, type FaultMode } from "../faults/fault-injector";

/**
 * `/_sandbox/` control endpoints for out-of-process tests. They are not part of Plane's API,
 * never rate-limited and never written to the request log.
 */
const faultBody = z.object({
  mode: z.enum(FAULT_MODES as unknown as [FaultMode, ...FaultMode[]]),
  method: z.string().optional(),
  path: z.string().optional(),
  times: z.number().int().positive().optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  hangMs: z.number().int().positive().optional(),
});

const memberBody = z.object({
  projectId: z.string(),
  userId: z.string(),
  role: z.union([z.literal(20), z.literal(15), z.literal(5)]).optional(),
  isActive: z.boolean().optional(),
});

function serializeFault(f: ReturnType<SandboxAppDeps["faults"]["list"]>[number]) {
  return {
    id: f.id,
    mode: f.mode,
    method: f.method,
    path: f.path?.source ?? null,
    remaining: f.remaining,
    fired: f.fired,
  };
}

async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    return undefined;
  }
}

export function mountControlRoutes(app: Hono<SandboxEnv>, deps: SandboxAppDeps): void {
  app.get("/_sandbox/health", (c) => c.json({ ok: true, sandbox: true }));

  app.get("/_sandbox/requests", (c) => {
    const since = Number.parseInt(c.req.query("since") ?? "0", 10) || 0;
    const method = c.req.query("method");
    const pathIncludes = c.req.query("path_includes");
    const entries = deps.requestLog
      .since(since)
      .filter((e) => (method ? e.method === method.toUpperCase() : true))
      .filter((e) => (pathIncludes ? e.path.includes(pathIncludes) : true));
    return c.json({ last_seq: deps.requestLog.lastSeq, count: entries.length, entries });
  });

  app.post("/_sandbox/requests/clear", (c) => {
    deps.requestLog.clear();
    return c.body(null, 204);
  });

  app.get("/_sandbox/faults", (c) => c.json({ faults: deps.faults.list().map(serializeFault) }));

  app.post("/_sandbox/faults", async (c) => {
    const parsed = faultBody.safeParse(await readJson(c.req.raw));
    if (!parsed.success) return c.json({ error: "invalid fault rule", issues: parsed.error.issues }, 400);
    try {
      const fault = deps.faults.add(parsed.data);
      return c.json(serializeFault(fault), 201);
    } catch (e) {
      return c.json({ error: (e as Error).message }, 400);
    }
  });

  app.delete("/_sandbox/faults", (c) => {
    deps.faults.clear();
    return c.body(null, 204);
  });

  // "hold" rules: what is held now, and answer it (a test's next round may then start).
  app.get("/_sandbox/faults/held", (c) => c.json({ held: deps.faults.held() }));
  app.post("/_sandbox/faults/held/release", (c) => c.json({ released: deps.faults.releaseHeld() }));

  app.delete("/_sandbox/faults/:id", (c) => {
    const removed = deps.faults.remove(Number.parseInt(c.req.param("id"), 10));
    return removed ? c.body(null, 204) : c.json({ error: "no such fault" }, 404);
  });

  app.post("/_sandbox/members", async (c) => {
    const parsed = memberBody.safeParse(await readJson(c.req.raw));
    if (!parsed.success) return c.json({ error: "invalid member body", issues: parsed.error.issues }, 400);
    const { projectId, userId, role, isActive } = parsed.data;
    if (!deps.store.getProject(projectId) || !deps.store.getUser(userId)) return c.json({ error: "unknown project or user" }, 404);
    const existing = deps.store.membership(projectId, userId);
    const member = deps.store.addMember(projectId, userId, role ?? existing?.role ?? 15, isActive ?? true);
    return c.json({ projectId, userId, role: member.role, isActive: member.isActive });
  });

  app.post("/_sandbox/reset", (c) => {
    deps.reset();
    return c.body(null, 204);
  });
}
