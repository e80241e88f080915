import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot, sharedDir, sharedPath } from "./shared.js";

describe("sharedDir", () => {
  const saved = process.env.EBJDAT_SHARED;
  afterEach(() => {
    if (saved === undefined) delete process.env.EBJDAT_SHARED;
    else process.env.EBJDAT_SHARED = saved;
  });

  it("finds ../shared beside the repository root", () => {
    delete process.env.EBJDAT_SHARED;
    const root = findRepoRoot()!;
    expect(existsSync(join(root, "pnpm-workspace.yaml"))).toBe(true);
    expect(sharedDir()).toBe(join(root, "..", "shared"));
    expect(existsSync(sharedPath("vectors", "README.md"))).toBe(true);
  });

  it("honours EBJDAT_SHARED and explains a wrong value", () => {
    const dir = mkdtempSync(join(tmpdir(), "shared-"));
    try {
      process.env.EBJDAT_SHARED = dir;
      expect(sharedDir()).toBe(dir);
      expect(sharedPath("a", "b")).toBe(join(dir, "a", "b"));
      process.env.EBJDAT_SHARED = join(dir, "missing");
      expect(() => sharedDir()).toThrow(/EBJDAT_SHARED=.*missing is not a folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says where it looked when there is no workspace", () => {
    delete process.env.EBJDAT_SHARED;
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), "noroot-"));
    try {
      process.chdir(dir);
      expect(() => sharedDir()).toThrow(/no pnpm-workspace\.yaml found above .*noroot-.*set EBJDAT_SHARED/);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
