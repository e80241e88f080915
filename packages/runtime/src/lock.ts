import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { tempPathFor } from "@ebjdat/formats";

/** Who holds a lock: written into the lock file when it is created. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** The command line of the owner, for people. */
  command: string;
}

/** A held lock; `release()` removes the lock file (only while it is still this owner's). */
export interface Lock {
  path: string;
  owner: LockOwner;
  release(): void;
}

/** Options of {@link acquireLock}. */
export interface AcquireLockOptions {
  /** What the lock protects, for the messages (e.g. `the training run in runs/x`). */
  what?: string;
  /** Told when a stale lock (owner gone) is taken over; default `console.warn`. */
  onWarning?: (message: string) => void;
}

/** A second writer was refused: `owner` holds the lock at `path` (undefined when unreadable). */
export class LockedError extends Error {
  constructor(
    readonly path: string,
    readonly owner: LockOwner | undefined,
    what: string,
  ) {
    super(
      owner
        ? `${what} is in use by pid ${owner.pid} on ${owner.host} since ${owner.startedAt} (${owner.command || "unknown command"}). ` +
            `Wait for it to finish or stop it; if that process is gone, remove the lock file '${path}'.`
        : `${what} is locked by '${path}', which is being created or is unreadable; if no other ebjdat process writes there, remove that file.`,
    );
    this.name = "LockedError";
  }
}

/** Reads the owner recorded in a lock file; undefined when it is missing or unreadable. */
export function readLockOwner(path: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (typeof v.pid === "number" && typeof v.host === "string" && typeof v.startedAt === "string") return { pid: v.pid, host: v.host, startedAt: v.startedAt, command: typeof v.command === "string" ? v.command : "" };
  } catch {
    // missing or damaged
  }
  return undefined;
}

/** Whether process `pid` runs on this machine (EPERM: it runs, as another user). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock is stale when its owner ran on this host and is gone; locks of other hosts are never guessed stale. */
function isStale(owner: LockOwner): boolean {
  return owner.host === hostname() && owner.pid !== process.pid && !pidAlive(owner.pid);
}

const same = (a: LockOwner | undefined, b: LockOwner | undefined): boolean => !!a && !!b && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/** Creates `path` holding `text` only if it does not exist, never leaving it empty: a hard link of a complete temporary file (O_EXCL where links are unsupported). */
function createExclusive(path: string, text: string): boolean {
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, "wx");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // file systems without hard links: O_CREAT | O_EXCL
    try {
      const f = openSync(path, "wx");
      try {
        writeSync(f, text);
      } finally {
        closeSync(f);
      }
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e2;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

const held = new Set<Lock>();
let exitHookInstalled = false;

/** Locks still held when the process exits (a second Ctrl-C calls `process.exit`) are removed. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const l of [...held]) l.release();
  });
}

/** An unreadable lock younger than this is taken to be in creation (O_EXCL fallback), not damaged. */
const UNREADABLE_GRACE_MS = 2000;

/**
 * Takes the lock file `path` for this process: created atomically with the owner's pid, host,
 * start time and command line, so a second writer of the same folder or file is refused with a
 * `LockedError` naming the owner. A stale lock (its pid is gone on this host, e.g. after
 * `kill -9`) is taken over with a warning; a lock of another host is never guessed stale. The
 * lock is released by `release()` or when the process exits. Node only (spec 9.1: one writer per
 * output folder).
 */
export function acquireLock(path: string, options: AcquireLockOptions = {}): Lock {
  const what = options.what ?? `'${dirname(path)}'`;
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  mkdirSync(dirname(path), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1).join(" ") };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path, JSON.stringify(owner) + "\n")) {
      const lock: Lock = {
        path,
        owner,
        release() {
          if (!held.delete(lock)) return;
          if (same(readLockOwner(path), owner)) rmSync(path, { force: true });
        },
      };
      held.add(lock);
      installExitHook();
      return lock;
    }
    const existing = readLockOwner(path);
    if (existing === undefined) {
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue; // removed meanwhile: try again
      }
      if (age < UNREADABLE_GRACE_MS) throw new LockedError(path, undefined, what);
      warn(`warning: removing the unreadable lock file '${path}' (older than ${UNREADABLE_GRACE_MS / 1000} s, no owner recorded)`);
      rmSync(path, { force: true });
      continue;
    }
    if (!isStale(existing)) throw new LockedError(path, existing, what);
    // take over: move the stale file aside, and put it back if it turned out to be a fresh lock
    const aside = `${path}.stale.${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readLockOwner(aside);
    if (!same(moved, existing)) {
      try {
        linkSync(aside, path);
      } catch {
        // a third writer holds it now; it stays theirs
      }
      rmSync(aside, { force: true });
      continue;
    }
    rmSync(aside, { force: true });
    warn(`warning: taking over the stale lock of ${what}: pid ${existing.pid} on ${existing.host} (since ${existing.startedAt}) is gone`);
  }
  throw new LockedError(path, readLockOwner(path), what);
}
