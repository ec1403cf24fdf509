/**
 * Writes docs/MCP_TOOLS_CONTRACT.md from the tool registry:
 *   npx tsx packages/gateway/scripts/gen-tools-doc.ts
 * src/tools/contract-doc.test.ts fails when the committed file differs.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderToolsContract } from "../src/tools/contract-doc";

const target = fileURLToPath(new URL("../../../docs/MCP_TOOLS_CONTRACT.md", import.meta.url));
writeFileSync(target, renderToolsContract());
process.stderr.write(`wrote ${target}\n`);
