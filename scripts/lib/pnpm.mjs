/** The pinned pnpm, for scripts that CI runs with only Node and npm installed. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PNPM = "pnpm@9.15.9";

/** pnpm from PATH, else the pinned one fetched once by npx. Returns [command, leading args]. */
export function pnpmCommand() {
  const r = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (r.status === 0) return ["pnpm", []];
  const found = spawnSync("npx", ["-y", "-p", PNPM, "-c", "command -v pnpm"], { encoding: "utf8" });
  const bin = (found.stdout ?? "").trim().split("\n").pop();
  if (found.status === 0 && bin && existsSync(bin)) return [bin, []];
  return ["npx", ["-y", PNPM]];
}
