/// <reference lib="webworker" />
// The page's Web Worker: every tensor op runs here, so the page never freezes.
import { initBackend, type BackendName } from "@ebjdat/runtime";
import { readCifarRecords } from "./cifar-bytes";
import { pgdTrace } from "./pgd-trace";

/** The page's request. */
export interface RunRequest {
  model: ArrayBuffer;
  images: ArrayBuffer;
  n: number;
  steps: number;
  seed: number;
  /** a backend to force (the browser test uses cpu, as the Node run does), else the automatic order */
  backend?: BackendName;
}

/** What the worker posts back. */
export type WorkerMessage =
  | { kind: "backend"; name: string; notes: string[] }
  | { kind: "pass"; pass: number; accuracy: number }
  | { kind: "done"; cleanAccuracy: number; robustAccuracy: number; accuracyPerPass: number[]; seconds: number }
  | { kind: "error"; message: string };

const post = (m: WorkerMessage): void => postMessage(m);

onmessage = async (e: MessageEvent<RunRequest>) => {
  try {
    const r = e.data;
    const info = await initBackend({ quiet: true, ...(r.backend ? { backend: r.backend } : {}) });
    post({ kind: "backend", name: info.name, notes: info.notes });
    const { x, y } = readCifarRecords(new Uint8Array(r.images), r.n);
    const t0 = performance.now();
    const trace = await pgdTrace(new Uint8Array(r.model), x, y, r.steps, r.seed, (accuracy, pass) => post({ kind: "pass", pass, accuracy }));
    post({ kind: "done", cleanAccuracy: trace.cleanAccuracy, robustAccuracy: trace.robustAccuracy, accuracyPerPass: trace.accuracyPerPass, seconds: (performance.now() - t0) / 1000 });
  } catch (err) {
    post({ kind: "error", message: (err as Error).message });
  }
};
