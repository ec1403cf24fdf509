import { describe, expect, it } from "vitest";
import { generateAgentToken } from "@nodedc/shared";
import { createLogger, createMemoryLogDestination } from "./logger";

describe("logger redaction", () => {
  it("removes authorization headers, tokens, codes, peppers and keys wherever they are logged", () => {
    const destination = createMemoryLogDestination();
    const logger = createLogger({ level: "info", destination });
    const token = generateAgentToken();
    logger.info({ authorization: `Bearer ${token}`, headers: { authorization: `Bearer ${token}` }, req: { headers: { authorization: "Bearer jwt.jwt.jwt", cookie: "sid=1" } } }, "request");
    logger.info({ token, body: { token, code: "BCDF-GHJK" }, code: "BCDFGHJK", pairing_code: "BCDFGHJK" }, "exchange");
    logger.info({ config: { tokenPepper: "pepper-value", tasker: { apiKey: "plane_api_key_value" }, jwtSecret: "jwt-secret-value" } }, "config");
    const text = destination.lines.join("");
    for (const secret of [token, "jwt.jwt.jwt", "sid=1", "BCDF", "pepper-value", "plane_api_key_value", "jwt-secret-value"]) {
      expect(text).not.toContain(secret);
    }
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(9);
    const first = JSON.parse(destination.lines[0]!);
    expect(first).toMatchObject({ level: "info", service: "nodedc-tasker-gateway", msg: "request" });
  });
});
