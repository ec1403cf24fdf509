import { describe, expect, it } from "vitest";
import { codexHome, configDirNeedsExplicitEnv, resolveConfigDir } from "./paths";

describe("config paths", () => {
  it("NODEDC_TASKER_HOME wins everywhere", () => {
    expect(resolveConfigDir({ env: { NODEDC_TASKER_HOME: "/state" }, platform: "darwin", homedir: "/Users/a" })).toBe("/state");
  });

  it("uses each platform's config location", () => {
    expect(resolveConfigDir({ env: {}, platform: "linux", homedir: "/home/a" })).toBe("/home/a/.config/nodedc-tasker");
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: "/xdg" }, platform: "linux", homedir: "/home/a" })).toBe("/xdg/nodedc-tasker");
    expect(resolveConfigDir({ env: { XDG_CONFIG_HOME: "relative" }, platform: "linux", homedir: "/home/a" })).toBe("/home/a/.config/nodedc-tasker");
    expect(resolveConfigDir({ env: {}, platform: "darwin", homedir: "/Users/a" })).toBe("/Users/a/Library/Application Support/nodedc-tasker");
    expect(resolveConfigDir({ env: { APPDATA: "C:\\Users\\a\\AppData\\Roaming" }, platform: "win32", homedir: "C:\\Users\\a" })).toBe(
      "C:\\Users\\a\\AppData\\Roaming\\nodedc-tasker",
    );
  });

  it("asks for an explicit NODEDC_TASKER_HOME in client configs only when a stripped environment would miss the dir", () => {
    expect(configDirNeedsExplicitEnv({ env: {}, platform: "linux", homedir: "/home/a" })).toBe(false);
    expect(configDirNeedsExplicitEnv({ env: { XDG_CONFIG_HOME: "/xdg" }, platform: "linux", homedir: "/home/a" })).toBe(true);
    expect(configDirNeedsExplicitEnv({ env: { NODEDC_TASKER_HOME: "/s" }, platform: "linux", homedir: "/home/a" })).toBe(true);
  });

  it("CODEX_HOME defaults to ~/.codex", () => {
    expect(codexHome({ env: {}, platform: "linux", homedir: "/home/a" })).toBe("/home/a/.codex");
    expect(codexHome({ env: { CODEX_HOME: "/c" }, platform: "linux", homedir: "/home/a" })).toBe("/c");
  });
});
