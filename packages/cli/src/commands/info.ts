import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import { listAvailableDatasets } from "@ebjdat/data";
import { BACKEND_ORDER } from "@ebjdat/runtime";
import { defineCommand } from "../command";
import { str } from "../args";
import { backendFrom, COMMON_HELP, COMMON_OPTIONS } from "./common";

/** The installed version of `pkg` as the runtime package sees it (backends are its dependencies). */
function versionOf(pkg: string): string {
  try {
    const fromCli = createRequire(import.meta.url);
    const runtimeEntry = fromCli.resolve("@ebjdat/runtime");
    return (createRequire(runtimeEntry)(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "not installed";
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** `ebjdat info`: the backend that runs, the versions, and the datasets found with their sizes. */
export const infoCommand = defineCommand(
  {
    name: "info",
    summary: "Show the backend, versions and the datasets found",
    usage: "ebjdat info [--backend b] [--data-dir dir] [--json]",
    help: { ...COMMON_HELP, "--json": "print the information as JSON" },
    options: { ...COMMON_OPTIONS, json: { type: "boolean" } },
  },
  async (values) => {
    const backend = await backendFrom(values);
    const dataDir = str(values, "data-dir");
    const datasets = listAvailableDatasets(dataDir ? { dataDir } : {});
    const info = {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      backend: { name: backend.name, tf: tf.getBackend(), notes: backend.notes },
      tried: BACKEND_ORDER,
      versions: {
        "@tensorflow/tfjs-core": tf.version_core,
        "@tensorflow/tfjs-backend-wasm": versionOf("@tensorflow/tfjs-backend-wasm"),
        "@tensorflow/tfjs-node": versionOf("@tensorflow/tfjs-node"),
        "@tensorflow/tfjs-node-gpu": versionOf("@tensorflow/tfjs-node-gpu"),
      },
      datasets,
    };
    if (values.json === true) {
      process.stdout.write(JSON.stringify(info, null, 2) + "\n");
      return 0;
    }
    const lines = [
      `node      ${info.node} (${info.platform})`,
      `backend   ${backend.name} (TF.js ${tf.version_core}, registry name '${tf.getBackend()}')`,
      ...backend.notes.map((n) => `          ${n.includes("not available") || n.includes("failed") ? "skipped " : "note: "}${n}`),
      "versions  " + Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(", "),
      `datasets  ${datasets.length === 0 ? "none found (see --data-dir / EBJDAT_DATA)" : ""}`,
      ...datasets.map((d) => `          ${d.spec.padEnd(26)} ${mb(d.bytes).padStart(9)}  ${d.path}`),
    ];
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
);
