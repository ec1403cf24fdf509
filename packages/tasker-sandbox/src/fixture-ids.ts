/**
 * Fixed ids and keys of the fixture, so tests can name rows directly (DESIGN §11).
 */
/** Every id is a fixed UUID; keys look like Plane's `plane_api_<32 hex>` (PLANE_API §1). */
const uuid = (kind: number, n: number): string =>
  `0d0c${kind.toString(16).padStart(4, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export const stateIds = (p: number) => ({
  backlog: uuid(3, p * 16 + 1),
  todo: uuid(3, p * 16 + 2),
  inProgress: uuid(3, p * 16 + 3),
  done: uuid(3, p * 16 + 4),
  cancelled: uuid(3, p * 16 + 5),
});

export const FIXTURE = {
  workspace: { id: uuid(0, 1), slug: "nodedc", name: "NodeDC" },
  users: {
    service: { id: uuid(1, 1), email: "tasker-gateway@nodedc.local" },
    demoOwner: { id: uuid(1, 2), email: "demo.owner@nodedc.local" },
    guest: { id: uuid(1, 3), email: "guest@nodedc.local" },
    outsider: { id: uuid(1, 4), email: "outsider@nodedc.local" },
    inactive: { id: uuid(1, 5), email: "inactive@nodedc.local" },
    secretOwner: { id: uuid(1, 6), email: "secret.owner@nodedc.local" },
    /** Workspace member, but only a guest in DEMO (Plane allows a project role below the workspace role). */
    projectGuest: { id: uuid(1, 7), email: "project.guest@nodedc.local" },
    /** Workspace member and DEMO member (role 15): a plain writer. */
    member: { id: uuid(1, 8), email: "member@nodedc.local" },
    /** Was a DEMO member, then deactivated their account: every membership row is inactive. */
    deactivated: { id: uuid(1, 9), email: "deactivated@nodedc.local" },
  },
  projects: {
    demo: { id: uuid(2, 1), identifier: "DEMO", name: "Demo project" },
    ops: { id: uuid(2, 2), identifier: "OPS", name: "Operations" },
    secret: { id: uuid(2, 3), identifier: "SECRET", name: "Secret project" },
  },
  states: { demo: stateIds(1), ops: stateIds(2), secret: stateIds(3) },
  labels: {
    demo: { bug: uuid(4, 0x11), feature: uuid(4, 0x12), docs: uuid(4, 0x13) },
    ops: { bug: uuid(4, 0x21), incident: uuid(4, 0x22), maintenance: uuid(4, 0x23) },
    secret: { bug: uuid(4, 0x31) },
  },
  cards: {
    demo1: uuid(5, 0x101),
    demo2: uuid(5, 0x102),
    demo3: uuid(5, 0x103),
    demo4: uuid(5, 0x104),
    demo5: uuid(5, 0x105),
    ops1: uuid(5, 0x201),
    ops2: uuid(5, 0x202),
    ops3: uuid(5, 0x203),
    secret1: uuid(5, 0x301),
  },
  comments: { demo1Welcome: uuid(6, 1) },
  /** Fixture API keys. Not secrets: they exist only in this sandbox. */
  keys: {
    service: "plane_api_5e7c1ce0a0e54a7b9d6f0c2b3a4d5e01",
    demoOwner: "plane_api_0a1e7d3c9b2f4e6a8c0d1f3b5a7c9e02",
    guest: "plane_api_9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a03",
    outsider: "plane_api_1f2e3d4c5b6a79880a1b2c3d4e5f6a04",
    inactiveMember: "plane_api_7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c05",
    secretOwner: "plane_api_3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e06",
    projectGuest: "plane_api_4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d07",
    member: "plane_api_8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d08",
    /** Key of deactivated@nodedc.local: still valid (Plane ignores user.is_active), every membership inactive. */
    deactivated: "plane_api_2a3b4c5d6e7f8091a2b3c4d5e6f70a09",
    /** Belongs to demo.owner but `is_active=false` → 403 "Given API token is not valid". */
    inactive: "plane_api_d15ab1ed0000400080000000000000a7",
    /** Belongs to demo.owner but `expired_at` is in the past → 403. */
    expired: "plane_api_e0e0e0e0e0e0400080000000000000b8",
  },
} as const;

