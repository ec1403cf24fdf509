import { ROLE_ADMIN, ROLE_GUEST, ROLE_MEMBER, type StateGroup, type Priority } from "./store/records";
import type { SandboxStore } from "./store/sandbox-store";
import { createWorkItemRow } from "./work-items/create-work-item";
import { createCommentRow } from "./work-items/create-comment";

/**
 * The sandbox's seed data (DESIGN §11). Every id is a fixed UUID so tests can name rows
 * directly; keys look like Plane's `plane_api_<32 hex>` (PLANE_API §1).
 */
const uuid = (kind: number, n: number): string =>
  `0d0c${kind.toString(16).padStart(4, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

const stateIds = (p: number) => ({
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
    /** Belongs to demo.owner but `is_active=false` → 403 "Given API token is not valid". */
    inactive: "plane_api_d15ab1ed0000400080000000000000a7",
    /** Belongs to demo.owner but `expired_at` is in the past → 403. */
    expired: "plane_api_e0e0e0e0e0e0400080000000000000b8",
  },
} as const;

/** Fixture time: cards were created on 2026-11-01 so `-created_at` order is predictable. */
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
const HOUR = 3_600_000;

const DEFAULT_STATES: ReadonlyArray<{
  key: keyof ReturnType<typeof stateIds>;
  name: string;
  group: StateGroup;
  color: string;
  sequence: number;
}> = [
  { key: "backlog", name: "Backlog", group: "backlog", color: "#60646C", sequence: 15000 },
  { key: "todo", name: "Todo", group: "unstarted", color: "#60646C", sequence: 25000 },
  { key: "inProgress", name: "In Progress", group: "started", color: "#F59E0B", sequence: 35000 },
  { key: "done", name: "Done", group: "completed", color: "#46A758", sequence: 45000 },
  { key: "cancelled", name: "Cancelled", group: "cancelled", color: "#9AA4BC", sequence: 55000 },
];

export interface SeedOptions {
  /** Replaces the service user's key (e.g. `TASKER_API_KEY`). */
  serviceApiKey?: string;
}

function seedUsers(store: SandboxStore): void {
  const u = FIXTURE.users;
  const people: Array<[{ id: string; email: string }, string, string, string, boolean]> = [
    [u.service, "Tasker", "Gateway", "tasker-gateway", true],
    [u.demoOwner, "Dana", "Owner", "demo.owner", false],
    [u.guest, "Gus", "Guest", "guest", false],
    [u.outsider, "Otto", "Outsider", "outsider", false],
    [u.inactive, "Ines", "Inactive", "inactive", false],
    [u.secretOwner, "Sam", "Secret", "secret.owner", false],
  ];
  const workspaceRole = (id: string) => (id === u.demoOwner.id || id === u.secretOwner.id ? ROLE_ADMIN : id === u.guest.id ? ROLE_GUEST : ROLE_MEMBER);
  for (const [user, first, last, display, isBot] of people) {
    store.addWorkspaceMember(user.id, workspaceRole(user.id));
    store.addUser({
      id: user.id,
      email: user.email,
      first_name: first,
      last_name: last,
      display_name: display,
      avatar: "",
      avatar_url: null,
      is_bot: isBot,
      is_active: true,
    });
  }
}

function seedKeys(store: SandboxStore, opts: SeedOptions): void {
  const k = FIXTURE.keys;
  const u = FIXTURE.users;
  const add = (label: string, token: string, userId: string, extra: { isActive?: boolean; expiredAt?: number | null; isService?: boolean } = {}) =>
    store.addApiKey({
      label,
      token,
      userId,
      isActive: extra.isActive ?? true,
      expiredAt: extra.expiredAt ?? null,
      isService: extra.isService ?? false,
      lastUsedAt: null,
    });
  add("service", opts.serviceApiKey ?? k.service, u.service.id);
  add("demoOwner", k.demoOwner, u.demoOwner.id);
  add("guest", k.guest, u.guest.id);
  add("outsider", k.outsider, u.outsider.id);
  add("inactiveMember", k.inactiveMember, u.inactive.id);
  add("secretOwner", k.secretOwner, u.secretOwner.id);
  add("inactive", k.inactive, u.demoOwner.id, { isActive: false });
  add("expired", k.expired, u.demoOwner.id, { expiredAt: Date.UTC(2025, 0, 1) });
}

function seedProject(
  store: SandboxStore,
  project: { id: string; identifier: string; name: string },
  description: string,
  lead: string,
  states: ReturnType<typeof stateIds>,
  labels: Record<string, string>,
): void {
  store.addProject({
    id: project.id,
    name: project.name,
    identifier: project.identifier,
    description,
    network: 0,
    projectLead: lead,
    defaultAssignee: null,
    createdBy: lead,
    createdAt: T0 - 24 * HOUR,
    updatedAt: T0 - 24 * HOUR,
  });
  for (const s of DEFAULT_STATES) {
    store.addState({
      id: states[s.key],
      projectId: project.id,
      name: s.name,
      description: "",
      color: s.color,
      slug: s.name.toLowerCase().replace(/\s+/g, "-"),
      sequence: s.sequence,
      group: s.group,
      isDefault: s.key === "backlog",
      isTriage: false,
      externalSource: null,
      externalId: null,
      createdBy: lead,
      createdAt: T0 - 24 * HOUR,
      updatedAt: T0 - 24 * HOUR,
    });
  }
  const colors = ["#DC2626", "#2563EB", "#16A34A", "#9333EA"];
  let i = 0;
  for (const [name, id] of Object.entries(labels)) {
    store.addLabel({
      id,
      projectId: project.id,
      name,
      description: "",
      color: colors[i % colors.length] as string,
      sortOrder: 65535 + i * 10000,
      parent: null,
      externalSource: null,
      externalId: null,
      createdBy: lead,
      createdAt: T0 - 23 * HOUR + i * 1000,
      updatedAt: T0 - 23 * HOUR + i * 1000,
    });
    i++;
  }
}

interface CardSeed {
  id: string;
  projectId: string;
  name: string;
  html: string;
  stateId: string;
  priority: Priority;
  labels: string[];
  assignees: string[];
  createdBy: string;
  parentId?: string;
  externalSource?: string;
  externalId?: string;
}

export function seedFixture(store: SandboxStore, opts: SeedOptions = {}): void {
  const { users: u, projects: p, states: s, labels: l, cards: c } = FIXTURE;
  store.clear();
  store.setWorkspace(FIXTURE.workspace);
  seedUsers(store);
  seedKeys(store, opts);
  seedProject(store, p.demo, "Cards for the NodeDC demo.", u.demoOwner.id, s.demo, {
    bug: l.demo.bug,
    feature: l.demo.feature,
    docs: l.demo.docs,
  });
  seedProject(store, p.ops, "Day-to-day operations.", u.demoOwner.id, s.ops, {
    bug: l.ops.bug,
    incident: l.ops.incident,
    maintenance: l.ops.maintenance,
  });
  seedProject(store, p.secret, "Nobody from the gateway may see this.", u.secretOwner.id, s.secret, {
    bug: l.secret.bug,
  });

  store.addMember(p.demo.id, u.demoOwner.id, ROLE_ADMIN);
  store.addMember(p.demo.id, u.service.id, ROLE_MEMBER);
  store.addMember(p.demo.id, u.guest.id, ROLE_GUEST);
  store.addMember(p.demo.id, u.inactive.id, ROLE_MEMBER, false);
  store.addMember(p.ops.id, u.demoOwner.id, ROLE_MEMBER);
  store.addMember(p.ops.id, u.service.id, ROLE_MEMBER);
  store.addMember(p.secret.id, u.secretOwner.id, ROLE_ADMIN);

  const cards: CardSeed[] = [
    {
      id: c.demo1,
      projectId: p.demo.id,
      name: "Welcome to the demo board",
      html: "<p>This board is served by the <strong>Tasker sandbox</strong>.</p>",
      stateId: s.demo.todo,
      priority: "medium",
      labels: [l.demo.docs],
      assignees: [u.demoOwner.id],
      createdBy: u.demoOwner.id,
    },
    {
      id: c.demo2,
      projectId: p.demo.id,
      name: "Login button does nothing on Safari",
      html: "<p>Steps:</p><ol><li>Open Safari</li><li>Click <code>Login</code></li></ol>",
      stateId: s.demo.inProgress,
      priority: "high",
      labels: [l.demo.bug],
      assignees: [u.demoOwner.id, u.service.id],
      createdBy: u.demoOwner.id,
    },
    {
      id: c.demo3,
      projectId: p.demo.id,
      name: "Add dark mode",
      html: "<p>Users keep asking for a <em>dark</em> theme.</p>",
      stateId: s.demo.backlog,
      priority: "low",
      labels: [l.demo.feature],
      assignees: [],
      createdBy: u.demoOwner.id,
    },
    {
      id: c.demo4,
      projectId: p.demo.id,
      name: "Document the pairing flow",
      html: "<h2>Pairing</h2><p>Explain <a href=\"https://example.com/pair\">pairing codes</a>.</p>",
      stateId: s.demo.done,
      priority: "none",
      labels: [l.demo.docs, l.demo.feature],
      assignees: [u.service.id],
      createdBy: u.demoOwner.id,
      parentId: c.demo1,
    },
    {
      id: c.demo5,
      projectId: p.demo.id,
      name: "Crash when the card title is empty",
      html: "<p>Urgent: <code>TypeError</code> in the editor.</p>",
      stateId: s.demo.todo,
      priority: "urgent",
      labels: [l.demo.bug],
      assignees: [],
      createdBy: u.demoOwner.id,
      externalSource: "github",
      externalId: "nodedc/app#42",
    },
    {
      id: c.ops1,
      projectId: p.ops.id,
      name: "Rotate TLS certificates",
      html: "<p>Certificates expire on the 30th.</p>",
      stateId: s.ops.todo,
      priority: "high",
      labels: [l.ops.maintenance],
      assignees: [u.demoOwner.id],
      createdBy: u.demoOwner.id,
    },
    {
      id: c.ops2,
      projectId: p.ops.id,
      name: "Disk usage alert on db-2",
      html: "<p>Alert fired at 03:12 UTC.</p>",
      stateId: s.ops.inProgress,
      priority: "urgent",
      labels: [l.ops.incident],
      assignees: [u.service.id],
      createdBy: u.demoOwner.id,
    },
    {
      id: c.ops3,
      projectId: p.ops.id,
      name: "Upgrade Postgres to 17",
      html: "<p>Plan the upgrade window.</p>",
      stateId: s.ops.backlog,
      priority: "medium",
      labels: [],
      assignees: [],
      createdBy: u.demoOwner.id,
    },
    {
      id: c.secret1,
      projectId: p.secret.id,
      name: "Top secret launch plan",
      html: "<p>Do not share.</p>",
      stateId: s.secret.todo,
      priority: "high",
      labels: [l.secret.bug],
      assignees: [u.secretOwner.id],
      createdBy: u.secretOwner.id,
    },
  ];
  cards.forEach((card, i) => {
    createWorkItemRow(store, {
      id: card.id,
      projectId: card.projectId,
      name: card.name,
      descriptionHtml: card.html,
      priority: card.priority,
      stateId: card.stateId,
      parentId: card.parentId ?? null,
      labelIds: card.labels,
      assigneeIds: card.assignees,
      actorId: card.createdBy,
      createdAt: T0 + i * HOUR,
      externalSource: card.externalSource ?? null,
      externalId: card.externalId ?? null,
    });
  });
  createCommentRow(store, {
    id: FIXTURE.comments.demo1Welcome,
    workItemId: c.demo1,
    projectId: p.demo.id,
    commentHtml: "<p>Hello from the demo owner!</p>",
    access: "INTERNAL",
    actorId: u.demoOwner.id,
    externalSource: null,
    externalId: null,
    createdAt: T0 + 10 * HOUR,
  });
}
