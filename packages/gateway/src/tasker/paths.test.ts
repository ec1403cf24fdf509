import { describe, expect, it } from "vitest";
import { TaskerError } from "./errors.js";
import { assertPage, createPathBuilder, parseBaseUrl } from "./paths.js";

const P = "0b6e3c1e-8a51-4b0e-9a57-1f1f1f1f1f1f";
const W = "7d1e3c1e-8a51-4b0e-9a57-2e2e2e2e2e2e";
const paths = createPathBuilder("/api/v1", "nodedc");

describe("Tasker paths", () => {
  it("always end in a slash and carry queries through URLSearchParams", () => {
    expect(paths.project(P)).toBe(`/api/v1/workspaces/nodedc/projects/${P}/`);
    expect(paths.members(P)).toBe(`/api/v1/workspaces/nodedc/projects/${P}/members/`);
    expect(paths.workItem("work-items", P, W)).toBe(`/api/v1/workspaces/nodedc/projects/${P}/work-items/${W}/`);
    expect(paths.workItem("issues", P, W)).toBe(`/api/v1/workspaces/nodedc/projects/${P}/issues/${W}/`);
    expect(paths.workItemByIdentifier("work-items", "DEMO", 12)).toBe("/api/v1/workspaces/nodedc/work-items/DEMO-12/");
    expect(paths.comments("work-items", P, W, { per_page: 5, cursor: "5:1:0" })).toBe(
      `/api/v1/workspaces/nodedc/projects/${P}/work-items/${W}/comments/?per_page=5&cursor=5%3A1%3A0`,
    );
    expect(paths.search("work-items", P, "fix & <b>?x=1", 10)).toBe(
      `/api/v1/workspaces/nodedc/work-items/search/?search=fix+%26+%3Cb%3E%3Fx%3D1&limit=10&project_id=${P}&workspace_search=false`,
    );
    expect(paths.workItemByExternalRef("work-items", P, "nodedc-agent-gateway", "a/b?c")).toBe(
      `/api/v1/workspaces/nodedc/projects/${P}/work-items/?external_id=a%2Fb%3Fc&external_source=nodedc-agent-gateway`,
    );
  });

  it("sends per_page with every page request (PLANE_API §3)", () => {
    expect(paths.workItems("work-items", P, { per_page: 20 })).toMatch(/\?per_page=20$/);
    expect(paths.states(P, { per_page: 100, cursor: "100:2:0" })).toMatch(/\?per_page=100&cursor=100%3A2%3A0$/);
  });

  it("refuses ids that are not ids, before anything is sent", () => {
    for (const bad of ["../../members", "x", `${P}/../`, "", `${P}?a=1`]) {
      expect(() => paths.project(bad)).toThrow(TaskerError);
      expect(() => paths.workItem("work-items", P, bad)).toThrow(TaskerError);
    }
    for (const bad of ["demo", "DE-MO", "ABCDEFGHIJKLM", "DEMO/1", ""]) expect(() => paths.workItemByIdentifier("work-items", bad, 1)).toThrow(TaskerError);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => paths.workItemByIdentifier("work-items", "DEMO", bad)).toThrow(TaskerError);
    try {
      paths.project("nope");
    } catch (e) {
      expect(e).toMatchObject({ code: "not_found", details: { reason: "invalid_id" } });
    }
    expect(() => createPathBuilder("/api/v1", "../x")).toThrow(TypeError);
  });

  it("validates pages", () => {
    expect(assertPage({ per_page: 50, cursor: "50:3:0" })).toEqual({ per_page: 50, cursor: "50:3:0" });
    expect(() => assertPage({ per_page: 0 })).toThrow(TaskerError);
    expect(() => assertPage({ per_page: 1001 })).toThrow(TaskerError);
    expect(() => assertPage({ per_page: 10, cursor: "../" })).toThrow(TaskerError);
  });

  it("parses the base URL into origin and API root", () => {
    expect(parseBaseUrl("http://127.0.0.1:4110")).toEqual({ origin: "http://127.0.0.1:4110", apiRoot: "/api/v1" });
    expect(parseBaseUrl("https://t.example.com/api/v1/")).toEqual({ origin: "https://t.example.com", apiRoot: "/api/v1" });
    expect(parseBaseUrl("https://t.example.com/tasker")).toEqual({ origin: "https://t.example.com", apiRoot: "/tasker/api/v1" });
    expect(() => parseBaseUrl("ftp://x")).toThrow(TypeError);
    expect(() => parseBaseUrl("https://u:p@x")).toThrow(TypeError);
  });
});
