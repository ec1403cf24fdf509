import type { ChildProcess } from "node:child_process";
import type { Profile } from "./profile.ts";
import type { Results } from "./results.ts";

/** What the sandbox child reports once it listens. */
export interface SandboxInfo {
  url: string;
  workspaceSlug: string;
  keys: Record<string, string>;
  fixture: {
    users: Record<string, { id: string; email: string }>;
    projects: Record<string, { id: string; identifier: string; name: string }>;
    cards: Record<string, string>;
    keys: Record<string, string>;
  };
  pid: number;
  child: ChildProcess;
}

export interface Bench {
  profile: Profile;
  results: Results;
  log: (line: string) => void;
  sandbox?: SandboxInfo;
  /** `--cpu-prof`: node flags for the gateway and MCP children (profiles land in bench-results/prof/). */
  profArgs: string[];
}

/** The same inputs for every way, so the four ways do the same work. */
export function benchInputs(s: SandboxInfo) {
  const f = s.fixture;
  return {
    slug: s.workspaceSlug,
    readProject: f.projects.demo!,
    readCard: f.cards.demo1!,
    readCardIdentifier: `${f.projects.demo!.identifier}-1`,
    /** Writes go to OPS so the DEMO reads see the same data in every way and every leg. */
    writeProject: f.projects.ops!,
    commentCard: f.cards.ops1!,
    searchQuery: "the",
    searchLimit: 20,
  };
}

/** A run-unique prefix for titles and idempotency keys. */
export const RUN_ID = `b${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
