// Prints one closing line for all packages' vitest runs: "Tests: N passed, N failed, N skipped".
// Reads the JSON reports vitest.shared.ts writes to <package>/.vitest/report.json.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workspacePackages } from "./lib/workspace.mjs";

let passed = 0, failed = 0, skipped = 0, files = 0;
const missing = [];
for (const { dir, rel } of workspacePackages()) {
  if (!existsSync(join(dir, "vitest.config.ts"))) continue;
  const report = join(dir, ".vitest", "report.json");
  if (!existsSync(report)) { missing.push(rel); continue; }
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests ?? 0); files += 1;
}
if (missing.length) console.log(`(no test report from: ${missing.join(", ")})`);
console.log(`${files} packages tested`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || missing.length > 0 ? 1 : 0;
