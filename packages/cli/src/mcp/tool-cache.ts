import path from "node:path";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { readTextIfExists, writeFileAtomic } from "../config/atomic-file";

/** The last tool list seen per profile, for offline start (`<config dir>/cache/tools-<profile>.json`). */
export function toolCachePath(configDir: string, profile: string): string {
  return path.join(configDir, "cache", `tools-${profile}.json`);
}

export async function readToolCache(configDir: string, profile: string): Promise<Tool[] | null> {
  try {
    const text = await readTextIfExists(toolCachePath(configDir, profile));
    if (text === null) return null;
    const parsed = JSON.parse(text) as { tools?: unknown };
    return Array.isArray(parsed.tools) ? (parsed.tools as Tool[]) : null;
  } catch {
    return null; // a broken cache is just no cache
  }
}

export async function writeToolCache(configDir: string, profile: string, gatewayUrl: string, tools: Tool[], now: Date): Promise<void> {
  const file = toolCachePath(configDir, profile);
  const text = `${JSON.stringify({ gateway_url: gatewayUrl, fetched_at: now.toISOString(), tools }, null, 2)}\n`;
  if ((await readTextIfExists(file)) === text) return;
  await writeFileAtomic(file, text, { mode: 0o600 });
}
