import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./temp.js";

describe("tempDir", () => {
  it("makes a fresh folder with the prefix and removes it with its contents", () => {
    const a = tempDir("ebjdat-temp-test-");
    const b = tempDir("ebjdat-temp-test-");
    expect(a.dir).not.toBe(b.dir);
    expect(dirname(a.dir)).toBe(tmpdir());
    expect(basename(a.dir).startsWith("ebjdat-temp-test-")).toBe(true);
    writeFileSync(join(a.dir, "f.txt"), "x");
    a.cleanup();
    b.cleanup();
    expect(existsSync(a.dir)).toBe(false);
    expect(existsSync(b.dir)).toBe(false);
    expect(() => a.cleanup()).not.toThrow();
  });
});
