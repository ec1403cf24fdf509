import { isoTimestamp } from "../http/timestamps";
import type { ProjectRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";

/** ProjectSerializer: every model field plus the computed ones (PLANE_API §3 "Project"). */
export function serializeProject(store: SandboxStore, project: ProjectRecord, viewerId: string): Record<string, unknown> {
  const members = store.listMembers(project.id);
  const mine = store.activeMembership(project.id, viewerId);
  return {
    id: project.id,
    total_members: members.filter((m) => m.isActive).length,
    total_cycles: 0,
    total_modules: 0,
    is_member: mine !== undefined,
    sort_order: mine ? mine.sortOrder : null,
    member_role: mine ? mine.role : null,
    is_deployed: false,
    cover_image_url: null,
    created_at: isoTimestamp(project.createdAt),
    updated_at: isoTimestamp(project.updatedAt),
    deleted_at: null,
    name: project.name,
    description: project.description,
    description_text: null,
    description_html: null,
    network: project.network,
    identifier: project.identifier,
    emoji: null,
    icon_prop: null,
    module_view: true,
    cycle_view: true,
    issue_views_view: true,
    page_view: true,
    intake_view: false,
    is_time_tracking_enabled: false,
    is_issue_type_enabled: false,
    guest_view_all_features: false,
    cover_image: null,
    archive_in: 0,
    close_in: 0,
    logo_props: {},
    archived_at: null,
    timezone: "UTC",
    external_source: null,
    external_id: null,
    created_by: project.createdBy,
    updated_by: null,
    workspace: store.workspace.id,
    default_assignee: project.defaultAssignee,
    project_lead: project.projectLead,
    cover_image_asset: null,
    estimate: null,
    default_state: store.defaultState(project.id)?.id ?? null,
  };
}
