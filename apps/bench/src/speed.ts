/**
 * Speed benchmark (not a test): times, on the active TF.js backend, a WideResNet training step
 * (forward + backward + SGD update, train-mode BN) and an input-gradient step (forward +
 * ∂ Σ logsumexp f(x) / ∂x, the cost of one PGD/APGD/SGLD step) for WRN-16-2 and WRN-16-4 at
 * batch 64; when `/usr/bin/python3 -c 'import torch'` works, the same workloads in PyTorch in the
 * same run, and prints the ratio TF.js / PyTorch. Results go to JSON (`--json out.json`).
 *
 * Usage: node dist/speed.js [--backend wasm] [--batch 64] [--reps 3] [--nets 16-2,16-4]
 *        [--kinds train,input-grad] [--threads 2] [--json speed.json]
 */
import * as tf from "@tensorflow/tfjs-core";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { initBackend, writeJsonAtomic, type BackendName } from "@ebjdat/runtime";
import { createWideResNet } from "@ebjdat/models";
import { createOptimizer } from "@ebjdat/trainer";

interface Workload {
  kind: "train" | "input-grad";
  depth: number;
  width: number;
  batch: number;
}

interface Result extends Workload {
  ms: number;
}

function timeIt(fn: () => void, warmup: number, reps: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t) / reps;
}

function runTf(w: Workload, warmup: number, reps: number): number {
  const model = createWideResNet({ depth: w.depth, width: w.width, numClasses: 10, norm: "batch" }, 0);
  const x = tf.randomUniform([w.batch, 32, 32, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: w.batch }, (_, i) => i % 10), "int32"), 10);
  let ms: number;
  if (w.kind === "train") {
    const vars = model.trainableVariables();
    const opt = createOptimizer({ name: "sgd", lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
    ms = timeIt(
      () => {
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.logits(x, "train")) as tf.Scalar, vars);
          opt.apply(vars, grads, 0.01);
          value.dataSync();
        });
      },
      warmup,
      reps,
    );
    opt.dispose();
  } else {
    const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.logSumExp(model.logits(xi as tf.Tensor4D, "eval"), 1)));
    ms = timeIt(() => tf.tidy(() => void g(x).dataSync()), warmup, reps);
  }
  tf.dispose([x, y]);
  model.dispose();
  return ms;
}

function runTorch(workloads: Workload[], threads: number, warmup: number, reps: number): { version: string; results: Result[] } | string {
  const python = "/usr/bin/python3";
  if (!existsSync(python)) return "no /usr/bin/python3";
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) return "PyTorch not installed (Debian: apt-get install python3-torch)";
  const here = dirname(fileURLToPath(import.meta.url));
  const script = [join(here, "..", "python", "speed_torch.py"), join(here, "python", "speed_torch.py")].find(existsSync);
  if (!script) return "speed_torch.py not found";
  const r = spawnSync(python, [script, JSON.stringify({ workloads, threads, warmup, reps })], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) return `PyTorch run failed: ${r.stderr.trim().split("\n").slice(-1)[0]}`;
  const out = JSON.parse(r.stdout) as { torch: string; results: Result[] };
  return { version: out.torch, results: out.results };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: "string" },
      batch: { type: "string", default: "64" },
      reps: { type: "string", default: "3" },
      warmup: { type: "string", default: "1" },
      nets: { type: "string", default: "16-2,16-4" },
      kinds: { type: "string", default: "train,input-grad" },
      threads: { type: "string", default: String(Math.min(2, cpus().length)) },
      json: { type: "string" },
      "no-torch": { type: "boolean", default: false },
    },
    strict: true,
  });
  const info = await initBackend({ backend: values.backend as BackendName | undefined });
  const batch = Number(values.batch);
  const reps = Number(values.reps);
  const warmup = Number(values.warmup);
  const workloads: Workload[] = [];
  for (const net of values.nets!.split(",")) {
    const [depth, width] = net.split("-").map(Number) as [number, number];
    for (const kind of values.kinds!.split(",") as Workload["kind"][]) workloads.push({ kind, depth, width, batch });
  }
  const ours: Result[] = [];
  for (const w of workloads) {
    const ms = runTf(w, warmup, reps);
    ours.push({ ...w, ms });
    process.stderr.write(`tfjs-${info.name} WRN-${w.depth}-${w.width} ${w.kind} batch ${w.batch}: ${ms.toFixed(0)} ms\n`);
  }
  const torch = values["no-torch"] ? "skipped (--no-torch)" : runTorch(workloads, Number(values.threads), warmup, reps);
  const rows = ours.map((o, i) => {
    const t = typeof torch === "string" ? undefined : torch.results[i];
    return { ...o, torchMs: t?.ms, ratio: t ? o.ms / t.ms : undefined };
  });
  console.log(`\nSpeed benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"})`);
  console.log(`TF.js backend: ${info.name} (tfjs ${info.tfjsVersion}); PyTorch: ${typeof torch === "string" ? torch : `${torch.version}, ${values.threads} threads`}\n`);
  console.log("| workload | net | batch | TF.js ms | PyTorch ms | ratio |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.kind} | WRN-${r.depth}-${r.width} | ${r.batch} | ${r.ms.toFixed(0)} | ${r.torchMs?.toFixed(0) ?? "–"} | ${r.ratio?.toFixed(2) ?? "–"} |`);
  if (values.json) writeJsonAtomic(values.json, { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, backend: info, torch: typeof torch === "string" ? { unavailable: torch } : { version: torch.version }, results: rows });
}

main().catch((e: unknown) => {
  process.stderr.write(`speed benchmark: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
