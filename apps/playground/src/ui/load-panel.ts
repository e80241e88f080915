import type { BackendChoice, WorkerMessage } from "../messages";
import { $, intInput, pct, setStatus } from "./dom";
import { imagesSource, modelSource } from "./sources";
import type { WorkerClient } from "./worker-client";

/** The backend line: which backend runs and what the automatic choice skipped. */
function showBackend(m: WorkerMessage): void {
  if (m.kind === "backend") $("backend-used").textContent = m.notes.length > 0 ? `${m.name} (${m.notes.join("; ")})` : m.name;
}

/** Loads the chosen model and images in the worker (picking the backend) and shows the clean accuracy. */
export async function loadModel(worker: WorkerClient): Promise<void> {
  setStatus("load-status", "loading…");
  try {
    const n = intInput("n", "images", 1, 1000);
    const model = await modelSource();
    const images = await imagesSource();
    const backend = $<HTMLSelectElement>("backend").value as BackendChoice;
    const wasmPath = new URL("tfjs-wasm/", document.baseURI).href;
    const done = await worker.request<"loaded">({ kind: "load", model: model.bytes, modelName: model.name, images, n, backend, wasmPath }, showBackend, [model.bytes, images]);
    setStatus("load-status", `${model.name}: clean accuracy ${pct(done.cleanAccuracy)} on ${done.n} test images (${done.seconds.toFixed(1)} s)`, "done");
  } catch (e) {
    setStatus("load-status", `error: ${(e as Error).message}`, "error");
  }
}
