/**
 * Evaluation benchmark (issue 21; not a test): on the shared robust WRN-16-2
 * (`shared/vectors/autoattack/model.safetensors`) and the first `--n` images of
 * `cifar10-exact-test`, times APGD-CE, APGD-T, FAB-T and Square alone, the standard AutoAttack
 * ensemble and PGD-20 (ε = 8/255 l∞, seed 0), ours through `runAttack` / `autoAttack` of
 * @ebjdat/attacks at the default batch, and the official fra31/auto-attack code in the same run
 * (when Debian's python3-torch is importable and `--official-autoattack <dir>` is a checkout;
 * else each row says why it is missing). Prints seconds, ratio ours / official, both robust
 * accuracies (a ratio counts only when they agree within 1.5 points), the BLAS in use, our peak
 * resident memory, the machine and the date; writes JSON (`--json`). Both sides run one untimed
 * PGD-20 first (warm-up).
 *
 * Usage: tsx src/attacks-bench.ts [--n 1000] [--quick (n = 20)] [--attacks apgd-ce,apgd-t,fab-t,square,standard,pgd20]
 *        [--threads 2] [--batch 250] [--official-autoattack <dir>] [--no-ours] [--backend wasm] [--json out.json]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { loadDataset, resolveDataDir, toUnitFloat } from "@ebjdat/data";
import { loadModel } from "@ebjdat/models";
import { initBackend, nativeKernels, setNativeKernels, writeJsonAtomic, type BackendName } from "@ebjdat/runtime";
import { join } from "node:path";
import { attacksBenchTable, benchRows, parseBenchAttacks, runOfficial, runOurs, type SideResult } from "./attacks-bench-rows";

function sharedDir(): string {
  return process.env.EBJDAT_SHARED ?? join(resolveDataDir(), "..");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: "string", default: "1000" },
      quick: { type: "boolean", default: false },
      attacks: { type: "string", default: "apgd-ce,apgd-t,fab-t,square,standard,pgd20" },
      threads: { type: "string", default: String(Math.min(2, cpus().length)) },
      batch: { type: "string", default: "250" },
      "official-autoattack": { type: "string" },
      "no-ours": { type: "boolean", default: false },
      backend: { type: "string" },
      json: { type: "string" },
    },
    strict: true,
  });
  const n = values.quick ? 20 : Number(values.n);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`--n: expected an integer in 1..1000 (cifar10-exact-test has 1000 records), got '${values.n}'`);
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads: expected a positive integer, got '${values.threads}'`);
  const batch = Number(values.batch);
  const attacks = parseBenchAttacks(values.attacks!);
  const load = loadavg()[0]!;

  const info = await initBackend({ backend: values.backend as BackendName | undefined, quiet: true });
  const native = info.name === "wasm" ? setNativeKernels(true, { threads }) : nativeKernels();
  const modelPath = join(sharedDir(), "vectors", "autoattack", "model.safetensors");
  const ds = await loadDataset("cifar10-exact-test");
  const x = tf.tensor4d(toUnitFloat(ds.images.subarray(0, n * 3072)), [n, 32, 32, 3]);
  const y = ds.labels.slice(0, n);
  const ours: SideResult[] = [];
  if (!values["no-ours"]) {
    const { model } = await loadModel(modelPath);
    const f = model.toLogitsFn("eval");
    // warm-up, untimed: the first passes of a process pay ~5 s (wasm heap growth, kernel set-up)
    await runOurs("pgd20", f, x, y, batch === 250 ? undefined : batch);
    for (const a of attacks) {
      const r = await runOurs(a, f, x, y, batch === 250 ? undefined : batch);
      process.stderr.write(`ours ${a}: ${r.seconds.toFixed(1)} s, robust ${(100 * r.robustAccuracy).toFixed(1)} %\n`);
      ours.push(r);
    }
    model.dispose();
  }
  x.dispose();
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const official = runOfficial({ autoattack: values["official-autoattack"], model: modelPath, data: ds.source, n, threads, bs: batch, attacks });
  const rows = benchRows(attacks, ours, official);
  const date = new Date().toISOString();
  const cpu = cpus()[0]?.model ?? "?";
  console.log(`\nEvaluation benchmark, ${date.slice(0, 10)}, ${cpus().length} cores (${cpu}), load average ${load.toFixed(2)} at start`);
  console.log(`${n} images of cifar10-exact-test, WRN-16-2 (vectors/autoattack), eps 8/255 linf, batch ${batch}, ${threads} threads`);
  const nativeText = info.name !== "wasm" ? "" : native.active ? ` + native kernels (conv ${native.conv}, ${native.threads} threads)` : ` (native kernels off: ${native.reason})`;
  console.log(`ours: TF.js ${info.name}${nativeText}, peak RSS ${maxRssMB.toFixed(0)} MB`);
  console.log(`official: ${typeof official === "string" ? official : `fra31/auto-attack on PyTorch ${official.torch}, ${official.threads} threads, BLAS ${official.blas}`}\n`);
  console.log(attacksBenchTable(rows));
  if (values.json) {
    writeJsonAtomic(values.json, {
      date,
      cores: cpus().length,
      cpu,
      loadAverageAtStart: load,
      n,
      batch,
      threads,
      backend: info,
      native,
      peakRssMB: maxRssMB,
      official: typeof official === "string" ? { unavailable: official } : { torch: official.torch, threads: official.threads, blas: official.blas },
      rows,
    });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`attacks benchmark: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
