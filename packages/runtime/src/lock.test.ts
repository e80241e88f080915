import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireLock, LockedError, readLockOwner } from "./lock";

const root = mkdtempSync(join(tmpdir(), "ebjdat-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pid that is certainly gone: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

describe("acquireLock", () => {
  it("creates the lock with pid, host and start time, refuses a second writer naming the owner, and releases", () => {
    const path = join(root, "a", "train.lock");
    const lock = acquireLock(path, { what: "the run in a" });
    const owner = readLockOwner(path)!;
    expect(owner.pid).toBe(process.pid);
    expect(owner.host).toBe(hostname());
    expect(Date.parse(owner.startedAt)).toBeGreaterThan(0);
    let err: unknown;
    try {
      acquireLock(path, { what: "the run in a" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockedError);
    expect((err as Error).message).toMatch(new RegExp(`the run in a is in use by pid ${process.pid} on ${hostname()} since`));
    expect((err as Error).message).toContain(path);
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLock(path).release();
  });

  it("refuses a lock held by another live process", async () => {
    const path = join(root, "b.lock");
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"]);
    try {
      writeFileSync(path, JSON.stringify({ pid: child.pid, host: hostname(), startedAt: new Date().toISOString(), command: "other" }));
      expect(() => acquireLock(path, { what: "x" })).toThrow(/x is in use by pid \d+ .*\(other\)/);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("takes over a stale lock (pid gone on this host) with a warning", () => {
    const path = join(root, "c.lock");
    const pid = deadPid();
    writeFileSync(path, JSON.stringify({ pid, host: hostname(), startedAt: "2020-01-01T00:00:00.000Z", command: "killed" }));
    const warnings: string[] = [];
    const lock = acquireLock(path, { what: "the run in c", onWarning: (m) => warnings.push(m) });
    expect(warnings.join("\n")).toMatch(new RegExp(`taking over the stale lock of the run in c: pid ${pid} on .* is gone`));
    expect(readLockOwner(path)!.pid).toBe(process.pid);
    lock.release();
  });

  it("never guesses a lock of another host stale", () => {
    const path = join(root, "d.lock");
    writeFileSync(path, JSON.stringify({ pid: deadPid(), host: "some-other-host", startedAt: "2020-01-01T00:00:00.000Z", command: "remote" }));
    expect(() => acquireLock(path)).toThrow(/on some-other-host/);
  });

  it("release leaves a lock that another process took over", () => {
    const path = join(root, "e.lock");
    const lock = acquireLock(path);
    const theirs = JSON.stringify({ pid: 1, host: "h", startedAt: "2020-01-01T00:00:00.000Z", command: "" });
    writeFileSync(path, theirs);
    lock.release();
    expect(readFileSync(path, "utf8")).toBe(theirs);
  });

  it("is released when the process exits (a second Ctrl-C calls process.exit)", () => {
    const path = join(root, "f.lock");
    const src = join(__dirname, "lock.ts");
    const r = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", "-e", `import(${JSON.stringify(src)}).then((m) => { m.acquireLock(${JSON.stringify(path)}); process.exit(130); })`], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(130);
    expect(existsSync(path)).toBe(false);
  });
});
