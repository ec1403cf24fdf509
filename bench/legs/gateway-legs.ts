import type { Bench, SandboxInfo } from "../lib/context.ts";
import type { WayColumn } from "../lib/report.ts";

export async function runGatewayLegs(_b: Bench, _s: SandboxInfo, ways: Record<string, WayColumn>): Promise<void> {
  for (const k of ["gatewayPg", "gatewayPglite", "mcp"]) ways[k]!.na = "gateway not landed yet";
}
