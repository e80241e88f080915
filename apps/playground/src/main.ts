// The page: wires the panels to the one Web Worker (every tensor op runs there).
import { runAttackPanel } from "./ui/attack-panel";
import { $ } from "./ui/dom";
import { runHistogramPanel } from "./ui/histogram-panel";
import { loadModel } from "./ui/load-panel";
import { showResultsFile } from "./ui/results-panel";
import { runSamplePanel } from "./ui/sample-panel";
import { loadSharedIndex, wireDrop } from "./ui/sources";
import { WorkerClient } from "./ui/worker-client";

const worker = new WorkerClient();
wireDrop();
void loadSharedIndex();
$("load").addEventListener("click", () => void loadModel(worker));
$("run").addEventListener("click", () => void runAttackPanel(worker));
$("sample-run").addEventListener("click", () => void runSamplePanel(worker));
$("hist-run").addEventListener("click", () => void runHistogramPanel(worker));
$("results-file").addEventListener("change", () => {
  const f = $<HTMLInputElement>("results-file").files?.[0];
  if (f) void showResultsFile(f);
});
