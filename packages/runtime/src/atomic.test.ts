import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonFileError, readJsonFile, resolveVersionedDir, versionCandidates, versionsFolder, writeVersionedDirAsync } from "./atomic";

const root = mkdtempSync(join(tmpdir(), "ebjdat-atomic-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const put = (text: string) => async (tmp: string): Promise<void> => writeFileSync(join(tmp, "v.txt"), text);
const read = (dir: string | undefined): string => readFileSync(join(dir!, "v.txt"), "utf8");

describe("writeVersionedDirAsync", () => {
  it("publishes versions behind a pointer and a link, keeping the previous one", async () => {
    const path = join(root, "a", "checkpoint");
    await writeVersionedDirAsync(path, "step-1", put("1"));
    await writeVersionedDirAsync(path, "step-2", put("2"));
    await writeVersionedDirAsync(path, "step-3", put("3"));
    expect(read(resolveVersionedDir(path))).toBe("3");
    expect(readFileSync(join(path, "v.txt"), "utf8")).toBe("3"); // through the link
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readdirSync(versionsFolder(path)).sort()).toEqual(["latest", "step-2", "step-3"]);
    expect(versionCandidates(path).map((p) => read(p))).toEqual(["3", "2"]);
  });

  it("keeps a complete version on disk at every instant: a writer killed at any point leaves the last one current", async () => {
    const path = join(root, "b", "checkpoint");
    await writeVersionedDirAsync(path, "step-1", put("1"));
    // killed while filling: a leftover temporary folder, pointer unchanged
    await expect(writeVersionedDirAsync(path, "step-2", async (tmp) => {
      writeFileSync(join(tmp, "v.txt"), "half");
      throw new Error("killed");
    })).rejects.toThrow("killed");
    mkdirSync(join(versionsFolder(path), ".step-2.999.1.1.tmp")); // what kill -9 leaves
    expect(read(resolveVersionedDir(path))).toBe("1");
    // killed after the rename, before the pointer: an unnamed complete folder, pointer unchanged
    mkdirSync(join(versionsFolder(path), "step-2"));
    writeFileSync(join(versionsFolder(path), "step-2", "v.txt"), "orphan");
    expect(read(resolveVersionedDir(path))).toBe("1");
    await writeVersionedDirAsync(path, "step-2", put("2"));
    expect(read(resolveVersionedDir(path))).toBe("2");
    expect(readdirSync(versionsFolder(path)).sort()).toEqual(["latest", "step-1", "step-2"]);
  });

  it("saving the current version's name again makes a new folder", async () => {
    const path = join(root, "c", "checkpoint");
    await writeVersionedDirAsync(path, "step-1", put("a"));
    await writeVersionedDirAsync(path, "step-1", put("b"));
    expect(read(resolveVersionedDir(path))).toBe("b");
    expect(versionCandidates(path).map(read)).toEqual(["b", "a"]);
  });

  it("reads and migrates the plain-directory layout", async () => {
    const path = join(root, "d", "checkpoint");
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, "v.txt"), "old");
    expect(read(resolveVersionedDir(path))).toBe("old");
    await writeVersionedDirAsync(path, "step-5", put("5"));
    expect(read(resolveVersionedDir(path))).toBe("5");
    expect(versionCandidates(path).map(read)).toEqual(["5", "old"]);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it("has no version where nothing was written", () => {
    expect(resolveVersionedDir(join(root, "nothing", "checkpoint"))).toBeUndefined();
    expect(existsSync(join(root, "nothing"))).toBe(false);
  });
});

describe("readJsonFile", () => {
  it("names the file and what was expected for missing, empty, invalid and wrong-shaped files", () => {
    const f = join(root, "s.json");
    const expected = "the loop state {config, state}";
    const msg = (): string => {
      try {
        readJsonFile(f, expected, (v) => (typeof v === "object" && v !== null && "state" in v ? undefined : "no 'state' key"));
        return "";
      } catch (e) {
        expect(e).toBeInstanceOf(JsonFileError);
        return (e as Error).message;
      }
    };
    expect(msg()).toBe(`'${f}' does not exist; expected ${expected}.`);
    writeFileSync(f, "");
    expect(msg()).toBe(`'${f}' is empty; expected ${expected}.`);
    writeFileSync(f, '{"config": {"a": "unterminated');
    expect(msg()).toMatch(new RegExp(`^'${f}' is not valid JSON \\(.+\\); expected the loop state`));
    writeFileSync(f, "[1]");
    expect(msg()).toBe(`'${f}': no 'state' key; expected ${expected}.`);
    writeFileSync(f, '{"state": 1}');
    expect(readJsonFile(f, expected)).toEqual({ state: 1 });
  });
});
