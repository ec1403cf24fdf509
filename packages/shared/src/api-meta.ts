import { z } from "zod";
import { timestampSchema } from "./api-common";

export const healthzSchema = z.object({
  status: z.literal("ok"),
  service: z.literal("nodedc-tasker-gateway"),
  version: z.string(),
  started_at: timestampSchema,
  boot_id: z.string(),
});
export const capabilitiesSchema = z.object({
  api_version: z.string(),
  gateway_version: z.string(),
  tools: z.array(z.string()),
  scopes: z.array(z.string()),
  limits: z.record(z.string(), z.number()),
  mode: z.enum(["sandbox", "production", "development"]),
});
