import type { Priority } from "./store/records";
import { FIXTURE } from "./fixture-ids";

/** The fixture's cards: DEMO-1…5, OPS-1…3 and SECRET-1, in creation order. */
export interface CardSeed {
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


export function fixtureCards(): CardSeed[] {
  const { users: u, projects: p, states: s, labels: l, cards: c } = FIXTURE;
  return [
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
}
