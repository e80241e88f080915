import { histogramSpec } from "@ebjdat/figures";
import { $, setStatus } from "./dom";
import { embedSpec } from "./embed";
import type { WorkerClient } from "./worker-client";

/**
 * The energy histogram (spec 6.3) of the clean images, the last adversarial images and the last
 * SGLD samples, shown interactively with vega-embed (the bench's Figure 2 spec, @ebjdat/figures).
 */
export async function runHistogramPanel(worker: WorkerClient): Promise<void> {
  const host = $("histogram");
  host.replaceChildren();
  try {
    setStatus("hist-status", "computing energies…");
    const e = await worker.request<"energies-done">({ kind: "energies" }, () => {});
    const series = [
      { name: "clean", values: e.clean },
      { name: "adversarial", values: e.adversarial },
      { name: "sampled (SGLD)", values: e.sampled },
    ].filter((s) => s.values.length > 0);
    const bins = Math.max(5, Math.min(40, Math.round(Math.sqrt(Math.max(...series.map((s) => s.values.length))) * 2)));
    await embedSpec(host, histogramSpec({ title: "Energies E(x) = −logsumexp f(x)", xLabel: "E(x)", yLabel: "density", series, bins, nonFinite: "drop", width: 560, height: 260 }));
    setStatus("hist-status", series.map((s) => `${s.name}: ${s.values.length}`).join(", "), "done");
  } catch (e) {
    setStatus("hist-status", `error: ${(e as Error).message}`, "error");
  }
}
