import * as tf from "@tensorflow/tfjs-core";
import { envVar, logLine } from "./env";
import { nativeKernels } from "./native/addon";
import { registerKernelsAndGradients } from "./register";

/** User-facing backend names, in the order `initBackend` tries them (webgpu only on request). */
export type BackendName = "node-gpu" | "node" | "wasm" | "cpu" | "webgpu";

/** Automatic selection order (spec: foundation issue, section 2). */
export const BACKEND_ORDER: readonly BackendName[] = ["node-gpu", "node", "wasm", "cpu"];

export interface BackendInfo {
  /** The backend that runs, as a user-facing name. */
  name: BackendName;
  /** The TF.js registry name (`tensorflow`, `wasm`, `cpu`, `webgpu`). */
  tfName: string;
  /** Why the backend was chosen and what was skipped. */
  notes: string[];
  tfjsVersion: string;
}

export interface InitBackendOptions {
  /** Force a backend; otherwise `EBJDAT_BACKEND`, then the automatic order. */
  backend?: BackendName;
  /** Print nothing (by default one line to stderr names the backend). */
  quiet?: boolean;
}

let current: BackendInfo | undefined;
/** What the call that chose `current` asked for: a name, or "auto". */
let currentRequest: string | undefined;

/** The backend chosen by the last `initBackend` call, if any. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

const TF_NAMES: Record<BackendName, string> = {
  "node-gpu": "tensorflow",
  node: "tensorflow",
  wasm: "wasm",
  cpu: "cpu",
  webgpu: "webgpu",
};

function isBackendName(s: string): s is BackendName {
  return (["node-gpu", "node", "wasm", "cpu", "webgpu"] as string[]).includes(s);
}

async function tryLoad(name: BackendName): Promise<string | undefined> {
  try {
    switch (name) {
      case "node-gpu":
        await import(/* @vite-ignore */ "@tensorflow/tfjs-node-gpu" as string);
        return undefined;
      case "node":
        await import(/* @vite-ignore */ "@tensorflow/tfjs-node" as string);
        return undefined;
      case "wasm":
        await import("@tensorflow/tfjs-backend-wasm");
        return undefined;
      case "cpu":
        await import("@tensorflow/tfjs-backend-cpu");
        return undefined;
      case "webgpu":
        await import(/* @vite-ignore */ "@tensorflow/tfjs-backend-webgpu" as string);
        return undefined;
    }
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

/**
 * Selects and initialises the fastest available backend: tfjs-node-gpu, tfjs-node, wasm, cpu
 * (webgpu only on request). `options.backend` or `EBJDAT_BACKEND` forces one; a forced backend
 * that cannot load is an error naming it. Idempotent for the same choice.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const env = envVar("EBJDAT_BACKEND");
  const forced = options.backend ?? (env && env !== "auto" ? env : undefined);
  if (forced !== undefined && !isBackendName(forced)) {
    throw new Error(`Unknown backend '${forced}' (from ${options.backend ? "--backend" : "EBJDAT_BACKEND"}); expected one of node-gpu, node, wasm, cpu, webgpu.`);
  }
  const request = forced ?? "auto";
  if (current && (request === currentRequest || forced === current.name) && tf.getBackend() === current.tfName) return current;
  await registerKernelsAndGradients();
  const candidates: BackendName[] = forced ? [forced] : [...BACKEND_ORDER];
  const notes: string[] = [];
  for (const name of candidates) {
    // The native kernels load before the wasm backend starts its worker threads: the addon routes
    // SIGINT/SIGTERM to a thread of its own that every later thread leaves alone (native/signals.h).
    if (name === "wasm") nativeKernels();
    const err = await tryLoad(name);
    if (err !== undefined) {
      notes.push(`${name}: not available (${err})`);
      continue;
    }
    const ok = await tf.setBackend(TF_NAMES[name]).catch(() => false);
    if (!ok) {
      notes.push(`${name}: failed to initialise`);
      continue;
    }
    await tf.ready();
    let native = "";
    if (name === "wasm") {
      notes.push("wasm: conv/max-pool gradients, Sign, UnsortedSegmentSum and depthwise gradients from @ebjdat/runtime");
      const k = nativeKernels();
      native = k.active ? ` + native kernels (conv ${k.conv}, ${k.threads} threads)` : "";
      notes.push(k.active ? `wasm: native kernels active (conv ${k.conv}, SGEMM ${k.blas}, ${k.threads} threads${k.signalThread ? ", signals received by their own thread" : ""})` : `wasm: native kernels off: ${k.reason}`);
    }
    current = { name, tfName: TF_NAMES[name], notes, tfjsVersion: tf.version_core };
    currentRequest = request;
    if (!options.quiet) logLine(`ebjdat: backend ${name}${native} (tfjs ${tf.version_core})`);
    return current;
  }
  throw new Error(
    forced
      ? `Backend '${forced}' was requested but could not be loaded: ${notes.join("; ")}`
      : `No TF.js backend could be loaded: ${notes.join("; ")}`,
  );
}
