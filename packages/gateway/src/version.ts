import pkg from "../package.json" with { type: "json" };

/** The gateway's version (package.json), reported by /healthz and capabilities. */
export const GATEWAY_VERSION: string = pkg.version;
export const API_VERSION = "v1";
