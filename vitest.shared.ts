// Shared vitest settings: workspace packages resolve to their TypeScript sources, so tests
// never need a prior build. Each package's vitest.config.ts re-exports this.
import { existsSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error plain ES module without type declarations: the one package lister of the repository
import { workspacePackages } from "./scripts/lib/workspace.mjs";
import { defineConfig } from "vitest/config";

const alias: Record<string, string> = {};
for (const { dir, manifest } of workspacePackages() as { dir: string; manifest: { name: string } }[]) {
  const src = join(dir, "src", "index.ts");
  if (existsSync(src)) alias[manifest.name] = src;
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
