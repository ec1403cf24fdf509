import { SERVER_ERROR_BODY } from "../http/plane-error";
import type { ActiveFault, FaultInjector } from "./fault-injector";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A body that starts like a Plane page and stops mid-object: not JSON. */
export const MALFORMED_BODY = '{"grouped_by":null,"results":[{"id":"';

function jsonResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/**
 * Turns a fired fault rule into what the client sees. "continue" means: carry on with the
 * real handler (after the injected latency).
 */
export async function applyFault(
  fault: ActiveFault,
  request: { signal: AbortSignal; socket: { destroy(): void } | undefined; method: string; path: string; query: string },
  faults: FaultInjector,
): Promise<Response | "continue"> {
  switch (fault.mode) {
    case "latency":
      await sleep(fault.latencyMs);
      return "continue";
    case "error":
      return jsonResponse(fault.body ?? SERVER_ERROR_BODY, fault.status);
    case "malformed":
      return new Response(typeof fault.body === "string" ? fault.body : MALFORMED_BODY, {
        status: 200,
        headers: { "Content-Type": "application/json" },
      });
    case "shape":
      return jsonResponse(fault.body ?? { unexpected: true }, 200);
    case "hold":
      await faults.hold({ method: request.method, path: request.path, query: request.query }, request.signal);
      return "continue";
    case "hang":
      await faults.hang(fault.hangMs, request.signal);
      return jsonResponse(SERVER_ERROR_BODY, 504);
    case "drop": {
      const socket = request.socket;
      if (socket) {
        socket.destroy();
        return new Response(null, { status: 500 });
      }
      // In-process (app.request) there is no socket: a network-error Response is the closest.
      return Response.error();
    }
  }
}
