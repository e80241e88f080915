import { parseEps255 } from "../eps";
import type { PlaygroundAttack, WorkerMessage } from "../messages";
import { $, intInput, pct, setStatus } from "./dom";
import { showPerturbations } from "./perturbation-view";
import type { WorkerClient } from "./worker-client";

function addBar(accuracy: number, title: string): void {
  const bar = document.createElement("div");
  bar.style.height = `${Math.round(accuracy * 100)}%`;
  bar.title = title;
  $("bars").append(bar);
}

function onProgress(m: WorkerMessage): void {
  if (m.kind === "pass") {
    addBar(m.accuracy, `pass ${m.pass}: ${pct(m.accuracy)}`);
    setStatus("result", `pass ${m.pass}: accuracy ${pct(m.accuracy)}`);
  } else if (m.kind === "stage") {
    const li = document.createElement("li");
    li.textContent = `after ${m.attack}: robust accuracy ${pct(m.robustAccuracy)}`;
    $("stages").append(li);
  }
}

/**
 * Runs the chosen attack at the chosen ε (in /255, refused out of range before anything runs) on
 * the loaded images: accuracy per forward pass as bars, robust accuracy per stage as a list, the
 * final numbers as JSON in #result and the perturbation view of the first images.
 */
export async function runAttackPanel(worker: WorkerClient): Promise<void> {
  $("bars").replaceChildren();
  $("stages").replaceChildren();
  $("perturbations").replaceChildren();
  try {
    const epsText = $<HTMLInputElement>("eps").value;
    const eps = parseEps255(epsText);
    const attack = $<HTMLSelectElement>("attack").value as PlaygroundAttack;
    const steps = intInput("steps", "steps", 1, 1000);
    const seed = intInput("seed", "seed", 0, 2 ** 31 - 1);
    setStatus("result", `running ${attack} at ε = ${epsText}/255…`);
    const done = await worker.request<"attack-done">({ kind: "attack", attack, eps255: Number(epsText), steps, seed, show: 4 }, onProgress);
    showPerturbations($("perturbations"), done.clean, done.adversarial, eps);
    const { clean: _c, adversarial: _a, ...numbers } = done;
    setStatus("result", JSON.stringify(numbers, null, 1), "done");
  } catch (e) {
    setStatus("result", JSON.stringify({ kind: "error", message: (e as Error).message }), "error");
  }
}
