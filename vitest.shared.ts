// Shared vitest settings: workspace packages resolve to their TypeScript sources, so tests
// never need a prior build. Each package's vitest.config.ts re-exports this.
import { readdirSync, existsSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = dirname(fileURLToPath(import.meta.url));
const alias: Record<string, string> = {};
for (const group of ["packages", "apps"]) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const pkgFile = join(dir, name, "package.json");
    const src = join(dir, name, "src", "index.ts");
    if (!existsSync(pkgFile) || !existsSync(src)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { name: string };
    alias[pkg.name] = src;
  }
}

export default defineConfig({
  resolve: { alias },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    reporters: ["default", "json"],
    // read by scripts/test-summary.mjs (the CI closing line)
    outputFile: { json: ".vitest/report.json" },
  },
});
