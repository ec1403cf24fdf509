/**
 * Build-time stand-in for zod's `locales/index.js` (see tsup.config.ts): only English error
 * messages are bundled. The 40-odd other locales were half of the bundle and of the time
 * `mcp` spent compiling it at start-up.
 */
export { default as en } from "zod/v4/locales/en.js";
