import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const DEMO = `${WS}/projects/${FIXTURE.projects.demo.id}`;

describe("legacyIssuesOnly: self-hosted Plane ≤ 1.0.x (PLANE_API §2, plane#8542)", () => {
  const api = useHttpSandbox({ legacyIssuesOnly: true });

  it("/work-items/ paths are unmatched URLs (404 Page not found, even without a key)", async () => {
    for (const path of [`${DEMO}/work-items/`, `${DEMO}/work-items/${FIXTURE.cards.demo1}/`, `${WS}/work-items/DEMO-1/`, `${WS}/work-items/search/?search=a`]) {
      const r = await api.call(path);
      expect(r.status, path).toBe(404);
      expect(r.body).toEqual({ error: "Page not found." });
    }
    // No APPEND_SLASH redirect either, since the slashed URL does not resolve.
    expect((await api.call(`${DEMO}/work-items`)).status).toBe(404);
  });

  it("/issues/ paths still work", async () => {
    expect((await api.call(`${DEMO}/issues/`)).body.total_count).toBe(5);
    expect((await api.call(`${WS}/issues/DEMO-1/`)).body.id).toBe(FIXTURE.cards.demo1);
    expect((await api.call(`${DEMO}/issues/`, { method: "POST", body: { name: "old" } })).status).toBe(201);
  });
});
