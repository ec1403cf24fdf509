import { userLite } from "../serializers/lite";
import { json, type RequestContext } from "./context";

/** GET /api/v1/users/me/ → UserLite (§2). */
export function getMe(rc: RequestContext): Response {
  return json(userLite(rc.user));
}
