import { describe, expect, it } from "vitest";
import { colorEnabled, createPrinter } from "./printer";

function capture(env: NodeJS.ProcessEnv, isTTY: boolean) {
  let out = "";
  let err = "";
  const printer = createPrinter({ stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c), isTTY } }, env);
  return { printer, out: () => out, err: () => err };
}

describe("printer", () => {
  it("keeps human output on stderr and JSON on stdout", () => {
    const p = capture({}, false);
    p.printer.success("done");
    p.printer.json({ a: 1 });
    expect(p.err()).toBe("✓ done\n");
    expect(JSON.parse(p.out())).toEqual({ a: 1 });
  });

  it("colours only on a TTY without NO_COLOR", () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled({}, false)).toBe(false);
    const tty = capture({}, true);
    tty.printer.error("bad");
    expect(tty.err()).toContain("\u001b[31m");
    const plain = capture({ NO_COLOR: "1" }, true);
    plain.printer.error("bad");
    expect(plain.err()).toBe("✗ bad\n");
  });
});
