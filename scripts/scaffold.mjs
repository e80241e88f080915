// One-off scaffolding helper kept for adding packages with the common layout:
//   node scripts/scaffold.mjs <dir> <name> "<description>" [dep ...]
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { workspacePackages } from "./lib/workspace.mjs";
const [dir, name, description, ...deps] = process.argv.slice(2);
if (!dir || !name || !description) { console.error("usage: scaffold <dir> <name> <description> [deps]"); process.exit(2); }
const known = workspacePackages();
const taken = known.find((p) => p.manifest.name === name && p.dir !== resolve(dir));
if (taken) { console.error(`scaffold: ${name} is already the package in ${taken.rel}`); process.exit(2); }
const unknownDeps = deps.filter((d) => !known.some((p) => p.manifest.name === d));
if (unknownDeps.length) { console.error(`scaffold: ${unknownDeps.join(", ")} not a workspace package (known: ${known.map((p) => p.manifest.name).join(", ")})`); process.exit(2); }
mkdirSync(join(dir, "src"), { recursive: true });
const isPrivate = name === "@ebjdat/bench" || name === "@ebjdat/testing" || name === "@ebjdat/tools";
const pkg = {
  name, version: "0.0.0", description, license: "MIT", type: "module",
  ...(isPrivate ? { private: true } : {}),
  engines: { node: ">=20" },
  main: "./dist/index.cjs", module: "./dist/index.js", types: "./dist/index.d.ts",
  exports: { ".": {
    source: "./src/index.ts",
    import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
    require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" } },
    "./package.json": "./package.json" },
  files: ["dist", "README.md", "LICENSE"],
  sideEffects: false,
  scripts: {
    build: "tsup src/index.ts --format esm,cjs --dts --clean --sourcemap --target node20",
    test: "vitest run", typecheck: "tsc -p tsconfig.json", lint: "eslint src" },
  dependencies: Object.fromEntries(deps.map((d) => [d, "workspace:^"])),
  peerDependencies: { "@tensorflow/tfjs-core": "^4.22.0" },
  devDependencies: { "@tensorflow/tfjs-core": "4.22.0" },
  publishConfig: { access: "public" },
};
if (name === "@ebjdat/formats") { delete pkg.peerDependencies; delete pkg.devDependencies; }
if (!existsSync(join(dir, "package.json"))) writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.base.json", include: ["src", "test"] }, null, 2) + "\n");
writeFileSync(join(dir, "vitest.config.ts"), 'export { default } from "../../vitest.shared";\n');
