import * as tf from "@tensorflow/tfjs-core";
import { initBackend, registerKernelsAndGradients } from "@ebjdat/runtime";
import type { BackendChoice } from "../messages";

/** The backend that runs and why (what was tried and skipped). */
export interface ChosenBackend {
  name: "webgpu" | "webgl" | "wasm" | "cpu";
  notes: string[];
}

/** The automatic order of a page: the GPU backends first, wasm as the fallback that always loads. */
export const PAGE_BACKEND_ORDER: readonly ChosenBackend["name"][] = ["webgpu", "webgl", "wasm"];

async function tryGpu(name: "webgpu" | "webgl"): Promise<string | undefined> {
  try {
    if (name === "webgpu") {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) return "navigator.gpu is missing";
      if (!(await gpu.requestAdapter())) return "no WebGPU adapter";
      await import("@tensorflow/tfjs-backend-webgpu");
    } else {
      if (!new OffscreenCanvas(1, 1).getContext("webgl2") && !new OffscreenCanvas(1, 1).getContext("webgl")) return "no WebGL context";
      await import("@tensorflow/tfjs-backend-webgl");
    }
    await registerKernelsAndGradients();
    if (!(await tf.setBackend(name).catch(() => false))) return "failed to initialise";
    await tf.ready();
    return undefined;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

/**
 * Picks the TF.js backend of the worker: `auto` tries WebGPU, then WebGL, then wasm (the wasm
 * binaries come from `wasmPath`, served with the page); a forced choice must load or throws
 * naming it. wasm and cpu go through `initBackend` of @ebjdat/runtime (its kernels and gradients).
 */
export async function chooseBackend(choice: BackendChoice, wasmPath: string): Promise<ChosenBackend> {
  const candidates = choice === "auto" ? PAGE_BACKEND_ORDER : [choice];
  const notes: string[] = [];
  for (const name of candidates) {
    if (name === "webgpu" || name === "webgl") {
      const why = await tryGpu(name);
      if (why === undefined) return { name, notes };
      notes.push(`${name}: ${why}`);
      continue;
    }
    if (name === "wasm") {
      const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
      setWasmPaths(wasmPath);
    }
    const info = await initBackend({ quiet: true, backend: name });
    return { name, notes: [...notes, ...info.notes] };
  }
  throw new Error(`backend '${choice}' could not be loaded: ${notes.join("; ")}`);
}
