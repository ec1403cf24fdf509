import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as tasker from "./index.js";

/** DESIGN §9 rule 1: no delete, no archive, no generic request — not exported, not present. */
const FORBIDDEN = /delete|archive|request|fetch|raw|proxy/i;

const ADAPTER_METHODS = [
  "close",
  "createComment",
  "createWorkItem",
  "findCommentByExternalRef",
  "findWorkItemByExternalRef",
  "getProject",
  "getWorkItem",
  "getWorkItemByIdentifier",
  "ownerRight",
  "checkServiceUser",
  "listActivities",
  "listComments",
  "listLabels",
  "listMembers",
  "listProjects",
  "listStates",
  "listWorkItems",
  "searchWorkItems",
  "updateWorkItem",
].sort();

describe("the Tasker module's surface", () => {
  it("exports nothing that deletes, archives or sends an arbitrary request", () => {
    const names = Object.keys(tasker);
    expect(names.filter((n) => FORBIDDEN.test(n))).toEqual([]);
    expect(names.sort()).toEqual(["EXTERNAL_SOURCE", "INVALID_SERVICE_KEY_MESSAGE", "TaskerError", "createTaskerAdapter", "isTaskerError"]);
  });

  it("the adapter object has exactly the allowlisted methods", async () => {
    const adapter = tasker.createTaskerAdapter({ baseUrl: "http://127.0.0.1:9", apiKey: "k", workspaceSlug: "nodedc" });
    try {
      const keys = Object.keys(adapter).sort();
      expect(keys).toEqual(ADAPTER_METHODS);
      expect(keys.filter((n) => FORBIDDEN.test(n))).toEqual([]);
      expect(Object.isFrozen(adapter)).toBe(true);
      for (const k of keys) expect(typeof (adapter as unknown as Record<string, unknown>)[k]).toBe("function");
    } finally {
      await adapter.close();
    }
  });

  it("no source file in the module can send DELETE or PUT, or name an archive route", () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.includes(".test"));
    expect(sources.length).toBeGreaterThan(5);
    for (const f of sources) {
      const text = readFileSync(join(dir, f), "utf8");
      expect(text, f).not.toMatch(/["'`](DELETE|PUT)["'`]/);
      expect(text, f).not.toMatch(/\/archive|archived-work-items|\/unarchive/);
    }
  });
});
