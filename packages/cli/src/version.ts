import packageJson from "../package.json" with { type: "json" };

/** The exact version of this CLI; pinned into generated client configs (`nodedc-tasker@<version>`). */
export const CLI_VERSION: string = packageJson.version;
export const CLI_NAME = "nodedc-tasker";
