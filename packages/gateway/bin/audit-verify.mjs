#!/usr/bin/env node
// `pnpm audit:verify` reaches this bin through pnpm's fallback to `pnpm exec` (the root
// package has no script of that name on purpose): a script would make pnpm print its
// "> … audit:verify" banner on stdout before the verifier's JSON, and `--json` output must
// be the JSON alone. The verifier is TypeScript source, loaded through tsx.
import { tsImport } from "tsx/esm/api";

await tsImport("../src/audit/sealing/verify-cli.ts", import.meta.url);
