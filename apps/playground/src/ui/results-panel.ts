import { benchFigures, isVegaLiteSpec, parseBenchResults } from "../results-figures";
import { $, setStatus } from "./dom";
import { embedSpec } from "./embed";

/**
 * Shows a bench `results.json` (its figures rebuilt with @ebjdat/figures) or one bench `.vl.json`
 * figure, interactively with vega-embed. Runs on the page (no worker: no tensors).
 */
export async function showResultsFile(file: File): Promise<void> {
  const host = $("results");
  host.replaceChildren();
  try {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (e) {
      throw new Error(`${file.name}: not JSON (${(e as Error).message})`);
    }
    const figures = isVegaLiteSpec(json) ? [{ name: file.name, spec: json }] : benchFigures(parseBenchResults(json, file.name));
    if (figures.length === 0) throw new Error(`${file.name}: no evaluated or trained model to draw`);
    for (const f of figures) {
      const h = document.createElement("h3");
      h.textContent = f.name;
      host.append(h);
      await embedSpec(host, f.spec);
    }
    setStatus("results-status", `${file.name}: ${figures.length} figure(s)`, "done");
  } catch (e) {
    setStatus("results-status", `error: ${(e as Error).message}`, "error");
  }
}
