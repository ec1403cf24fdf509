import type { Logger } from "pino";
import type { TaskerAdapter } from "../tasker/types";

/**
 * Owner rights need the workspace roles, which Plane lists only to workspace admins and
 * members (README: the service user must be a workspace admin). Checked once at start
 * without holding the start up: Tasker may be down now and up later, and until the roles
 * can be read every card write is refused with a message that says why.
 */
export function reportServiceUser(adapter: Pick<TaskerAdapter, "checkServiceUser">, logger: Logger): Promise<void> {
  return adapter
    .checkServiceUser({ agent_id: "gateway-start", request_id: "start" })
    .then((check) => {
      const fields = { workspace_role: check.workspace_role, problem: check.problem };
      if (check.problem === null) logger.info(fields, "tasker service user is a workspace admin");
      else if (check.workspace_role === null)
        logger.error(fields, `tasker service user is not a workspace admin: ${check.problem}. Until it can read the workspace roles, every card write is refused; make it a workspace admin in Tasker`);
      else logger.warn(fields, `tasker service user is not a workspace admin: ${check.problem}. It can read the roles today, but make it a workspace admin in Tasker as the README requires`);
    })
    .catch((error: unknown) => logger.warn({ err: error }, "could not check the tasker service user at start (Tasker unreachable?); owner rights are still checked on every call"));
}

