import { ROLE_ADMIN, ROLE_GUEST, ROLE_MEMBER, type StateGroup } from "./store/records";
import type { SandboxStore } from "./store/sandbox-store";
import { createWorkItemRow } from "./work-items/create-work-item";
import { createCommentRow } from "./work-items/create-comment";
import { FIXTURE, stateIds } from "./fixture-ids";
import { fixtureCards } from "./fixture-cards";

/** The seed data of DESIGN §11: workspace `nodedc`, DEMO, OPS and SECRET, users, keys, cards. */
export { FIXTURE };

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
    [u.projectGuest, "Pia", "Projectguest", "project.guest", false],
    [u.member, "Max", "Member", "member", false],
    [u.deactivated, "Dora", "Deactivated", "deactivated", false],
  ];
  // The service user is a workspace admin: the gateway reads roles from the workspace member
  // list, which Plane shows to workspace admins and members only (README).
  const admins = new Set<string>([u.service.id, u.demoOwner.id, u.secretOwner.id]);
  const workspaceRole = (id: string) => (admins.has(id) ? ROLE_ADMIN : id === u.guest.id ? ROLE_GUEST : ROLE_MEMBER);
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
  add("projectGuest", k.projectGuest, u.projectGuest.id);
  add("member", k.member, u.member.id);
  add("deactivated", k.deactivated, u.deactivated.id);
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

/** Clears the store and seeds the fixture. */
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
  store.addMember(p.demo.id, u.projectGuest.id, ROLE_GUEST);
  store.addMember(p.demo.id, u.member.id, ROLE_MEMBER);
  store.addMember(p.demo.id, u.deactivated.id, ROLE_MEMBER);
  store.addMember(p.ops.id, u.demoOwner.id, ROLE_MEMBER);
  store.addMember(p.ops.id, u.service.id, ROLE_MEMBER);
  store.addMember(p.secret.id, u.secretOwner.id, ROLE_ADMIN);
  store.deactivateUser(u.deactivated.id);

  const cards = fixtureCards();
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
