// The page: reads the dropped files, hands them to the worker, draws the accuracy per step.
import type { RunRequest, WorkerMessage } from "./worker";

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function fileBytes(id: string, what: string): Promise<ArrayBuffer> {
  const file = $<HTMLInputElement>(id).files?.[0];
  if (!file) throw new Error(`choose ${what} first`);
  return file.arrayBuffer();
}

for (const id of ["model", "images"]) {
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => e.preventDefault());
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    for (const f of Array.from(e.dataTransfer?.files ?? [])) {
      const target = f.name.endsWith(".safetensors") ? "model" : "images";
      if (target !== id) continue;
      const dt = new DataTransfer();
      dt.items.add(f);
      $<HTMLInputElement>(id).files = dt.files;
    }
  });
}

$("run").addEventListener("click", async () => {
  const result = $("result");
  const bars = $("bars");
  result.removeAttribute("data-done");
  bars.replaceChildren();
  try {
    const req: RunRequest = {
      model: await fileBytes("model", "a model file"),
      images: await fileBytes("images", "the CIFAR-10 test.bin"),
      n: Number($<HTMLInputElement>("n").value),
      steps: Number($<HTMLInputElement>("steps").value),
      seed: Number($<HTMLInputElement>("seed").value),
      ...($<HTMLSelectElement>("backend").value ? { backend: $<HTMLSelectElement>("backend").value as RunRequest["backend"] } : {}),
    };
    result.textContent = "running…";
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      const m = e.data;
      if (m.kind === "backend") $("backend-used").textContent = m.notes.length > 0 ? `${m.name} (${m.notes.join("; ")})` : m.name;
      else if (m.kind === "pass") {
        const bar = document.createElement("div");
        bar.style.height = `${Math.round(m.accuracy * 100)}%`;
        bar.title = `pass ${m.pass}: ${(m.accuracy * 100).toFixed(1)} %`;
        bars.append(bar);
        result.textContent = `pass ${m.pass}: accuracy ${(m.accuracy * 100).toFixed(1)} %`;
      } else {
        worker.terminate();
        result.textContent = JSON.stringify(m, null, 1);
        result.setAttribute("data-done", m.kind);
      }
    };
    worker.postMessage(req, [req.model, req.images]);
  } catch (err) {
    result.textContent = `error: ${(err as Error).message}`;
    result.setAttribute("data-done", "error");
  }
});
