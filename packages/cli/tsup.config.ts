import { defineConfig } from "tsup";
import type { Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The SDK's `Server` constructs an Ajv validator for elicitation, which this server never
 * sends; Ajv would be ~40 % of the bundle and of the start-up parse. Swap it for a stub that
 * fails loudly if it is ever used.
 */
const stubAjv: Plugin = {
  name: "stub-ajv",
  setup(build) {
    build.onResolve({ filter: /validation\/ajv-provider\.js$/ }, () => ({ path: path.join(here, "src/mcp/ajv-stub.ts") }));
  },
};

const englishOnlyZod: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: path.join(here, "src/mcp/zod-locales-stub.ts") } : undefined,
    );
  },
};

export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20.18",
  outDir: "dist",
  clean: true,
  splitting: false,
  sourcemap: false,
  minify: true,
  treeshake: true,
  dts: false,
  // Bundle everything except the native keychain binding (the one runtime dependency).
  noExternal: [/^(?!@napi-rs\/keyring$).*/],
  external: ["@napi-rs/keyring"],
  esbuildPlugins: [stubAjv, englishOnlyZod],
  // commander is CommonJS and requires Node built-ins; give the ESM bundle a real `require`.
  banner: { js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);' },
});
