import { userLite } from "../serializers/lite";
import { json, type ApiResult, type RequestContext } from "./context";

/** GET /api/v1/users/me/ → UserLite (§2). */
export function getMe(rc: RequestContext): ApiResult {
  return json(userLite(rc.user));
}
