/**
 * Speed benchmark (not a test): times, on the active TF.js backend, a WideResNet training step
 * (forward + backward + SGD update, train-mode BN) and an input-gradient step (forward +
 * ∂ Σ logsumexp f(x) / ∂x, the cost of one PGD/APGD/SGLD step) for WRN-16-2 and WRN-16-4 at
 * batch 64, and the FID Inception-v3 features (`inception`, batch 16 at 299x299); on wasm with the
 * native kernels active, each workload also without them (`wasm-only`, `--no-compare-wasm` skips
 * it); when `/usr/bin/python3 -c 'import torch'` works, the same workloads in PyTorch in the same
 * run, and prints the ratio TF.js / PyTorch; and each WRN step's roofline time (its convolution
 * FLOPs at the rate of a GEMM-shaped convolution measured in the same run) with the fraction of it
 * reached (issue 21, item 3). Results go to JSON (`--json out.json`).
 *
 * Usage: node dist/speed.js [--backend wasm] [--batch 64] [--reps 3] [--nets 16-2,16-4]
 *        [--kinds train,input-grad,inception] [--inception-batch 16] [--threads 2] [--background-load 0]
 *        [--json speed.json]
 * `--background-load n` runs n busy processes beside both sides for the whole run (contention).
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { initBackend, nativeKernels, setNativeKernels, writeJsonAtomic, type BackendName } from "@ebjdat/runtime";
import { startBackgroundLoad } from "./background-load";
import { measurePeakFlops, netName, parseWorkloads, runTf, runTorch, speedTable, workloadFlops, type Result } from "./workloads";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: "string" },
      batch: { type: "string", default: "64" },
      reps: { type: "string", default: "3" },
      warmup: { type: "string", default: "1" },
      nets: { type: "string", default: "16-2,16-4" },
      kinds: { type: "string", default: "train,input-grad,inception" },
      "inception-batch": { type: "string", default: "16" },
      "no-compare-wasm": { type: "boolean", default: false },
      threads: { type: "string", default: String(Math.min(2, cpus().length)) },
      json: { type: "string" },
      "no-torch": { type: "boolean", default: false },
      "background-load": { type: "string", default: "0" },
    },
    strict: true,
  });
  const info = await initBackend({ backend: values.backend as BackendName | undefined });
  const batch = Number(values.batch);
  const reps = Number(values.reps);
  const warmup = Number(values.warmup);
  const workloads = parseWorkloads(values.nets!, values.kinds!, batch, Number(values["inception-batch"]));
  const native = nativeKernels();
  // the same busy processes beside both sides (ours and PyTorch) for the whole run
  const load = startBackgroundLoad(Number(values["background-load"]));
  const compare = info.name === "wasm" && native.active && !values["no-compare-wasm"];
  const ours: Array<Result & { wasmMs?: number }> = [];
  for (const w of workloads) {
    const ms = runTf(w, warmup, reps);
    let wasmMs: number | undefined;
    if (compare) {
      setNativeKernels(false);
      wasmMs = runTf(w, warmup, reps);
      setNativeKernels(true);
    }
    ours.push({ ...w, ms, wasmMs });
    process.stderr.write(`tfjs-${info.name} ${netName(w)} ${w.kind} batch ${w.batch}: ${ms.toFixed(0)} ms${wasmMs ? ` (wasm-only ${wasmMs.toFixed(0)} ms)` : ""}\n`);
  }
  const peakFlops = measurePeakFlops();
  process.stderr.write(`roofline: ${(peakFlops / 1e9).toFixed(0)} GFLOP/s (a GEMM-shaped 1x1 convolution, 8.6 GFLOP, on tfjs-${info.name})\n`);
  const torch = values["no-torch"] ? "skipped (--no-torch)" : runTorch(workloads, Number(values.threads), warmup, reps);
  load.stop();
  const rows = ours.map((o, i) => {
    const t = typeof torch === "string" ? undefined : torch.results[i];
    const flops = workloadFlops(o);
    return { ...o, torchMs: t?.ms, ratio: t ? o.ms / t.ms : undefined, flops, rooflineMs: flops === undefined ? undefined : (1000 * flops) / peakFlops };
  });
  console.log(`\nSpeed benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})${load.pids.length ? `, ${load.pids.length} busy process(es) beside both sides` : ""}`);
  const nativeText = info.name !== "wasm" ? "" : native.active ? ` + native kernels (conv ${native.conv}, ${native.threads} threads)` : ` (native kernels off: ${native.reason})`;
  console.log(`TF.js backend: ${info.name}${nativeText} (tfjs ${info.tfjsVersion}); PyTorch: ${typeof torch === "string" ? torch : `${torch.version}, ${values.threads} threads`}\n`);
  console.log(`Roofline: ${(peakFlops / 1e9).toFixed(0)} GFLOP/s measured in this run (a GEMM-shaped 1x1 convolution); a step's roofline time = its convolution FLOPs at that rate.\n`);
  console.log(speedTable(rows));
  if (values.json) writeJsonAtomic(values.json, { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, backend: info, native, torch: typeof torch === "string" ? { unavailable: torch } : { version: torch.version }, peakFlops, backgroundLoad: load.pids.length, results: rows });
}

main().catch((e: unknown) => {
  process.stderr.write(`speed benchmark: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
