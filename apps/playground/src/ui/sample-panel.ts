import type { WorkerMessage } from "../messages";
import { $, intInput, setStatus } from "./dom";
import { drawGrid } from "./draw-images";
import type { WorkerClient } from "./worker-client";

function drawFrame(m: WorkerMessage): void {
  if (m.kind !== "frame") return;
  drawGrid($<HTMLCanvasElement>("samples"), m.samples.images, m.samples.n, 8, 2);
  setStatus("sample-status", `SGLD step ${m.step} / ${m.steps}`);
}

/** Draws SGLD samples from the model's energy, redrawing the grid of chains every k steps. */
export async function runSamplePanel(worker: WorkerClient): Promise<void> {
  try {
    const n = intInput("sample-n", "samples", 1, 64);
    const steps = intInput("sample-steps", "SGLD steps", 1, 1000);
    const every = intInput("sample-every", "frame every", 1, 1000);
    const seed = intInput("seed", "seed", 0, 2 ** 31 - 1);
    setStatus("sample-status", "sampling…");
    const done = await worker.request<"sample-done">({ kind: "sample", n, steps, every, seed }, drawFrame);
    drawGrid($<HTMLCanvasElement>("samples"), done.samples.images, done.samples.n, 8, 2);
    setStatus("sample-status", `${n} samples after ${steps} SGLD steps (${done.seconds.toFixed(1)} s)`, "done");
  } catch (e) {
    setStatus("sample-status", `error: ${(e as Error).message}`, "error");
  }
}
