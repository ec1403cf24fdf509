import { mkdtemp, mkdir, utimes } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rotationLockPath, withRotationLock } from "./rotation-lock";

describe("per-profile rotation lock", () => {
  it("runs holders one after the other", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rotation-lock-"));
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstEntered!: () => void;
    const entered = new Promise<void>((resolve) => (firstEntered = resolve));
    const first = withRotationLock(dir, "default", async () => {
      order.push("first in");
      firstEntered();
      await firstHolds;
      order.push("first out");
    });
    await entered;
    const second = withRotationLock(dir, "default", async () => {
      order.push("second in");
    });
    // the second cannot enter while the first holds the lock
    const other = withRotationLock(dir, "other", async () => order.push("other profile"));
    await other;
    expect(order).toEqual(["first in", "other profile"]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(["first in", "other profile", "first out", "second in"]);
  });

  it("takes over a lock left by a crashed process", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rotation-lock-"));
    const lock = rotationLockPath(dir, "default");
    await mkdir(lock);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect(await withRotationLock(dir, "default", async () => "ran", 1_000)).toBe("ran");
  });

  it("gives up with a clear error when the lock stays held", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rotation-lock-"));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = withRotationLock(dir, "default", async () => {
      entered();
      await held;
    });
    await inside;
    await expect(withRotationLock(dir, "default", async () => "never", 500)).rejects.toMatchObject({ code: "rotation_locked" });
    release();
    await holder;
  });
});
