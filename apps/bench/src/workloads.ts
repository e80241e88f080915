import * as tf from "@tensorflow/tfjs-core";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FidInception, deterministicInceptionWeights } from "@ebjdat/metrics";
import { blocksPerStage, createWideResNet, stageWidths } from "@ebjdat/models";
import { createOptimizer } from "@ebjdat/trainer";

/** One timed workload of the speed benchmark. */
export interface Workload {
  /** `train` and `input-grad` on a WRN; `inception` = FID Inception-v3 pool3 features of 299x299 inputs */
  kind: "train" | "input-grad" | "inception";
  /** WRN depth and width (0 for `inception`) */
  depth: number;
  width: number;
  batch: number;
}

/** The network a workload runs, as printed. */
export function netName(w: Workload): string {
  return w.kind === "inception" ? "Inception-v3" : `WRN-${w.depth}-${w.width}`;
}

/** A workload with its mean time per step in ms. */
export interface Result extends Workload {
  ms: number;
}

/** Mean wall time (ms) of `reps` calls after `warmup` calls. */
export function timeIt(fn: () => void, warmup: number, reps: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t) / reps;
}

/**
 * Times one workload on the active TF.js backend: `train` = forward + backward + SGD step
 * (train-mode BN, softmax CE); `input-grad` = ∂ Σ logsumexp f(x) / ∂x (eval-mode BN);
 * `inception` = the FID Inception-v3 forward to pool3 (deterministic weights, inputs in [-1, 1]).
 */
export function runTf(w: Workload, warmup: number, reps: number): number {
  if (w.kind === "inception") {
    const net = FidInception.fromStateDict(deterministicInceptionWeights());
    const x = tf.randomUniform([w.batch, 299, 299, 3], -1, 1, "float32", 1) as tf.Tensor4D;
    const ms = timeIt(() => tf.tidy(() => void net.forward(x).pool3.dataSync()), warmup, reps);
    x.dispose();
    net.dispose();
    return ms;
  }
  const model = createWideResNet({ depth: w.depth, width: w.width, numClasses: 10, norm: "batch" }, 0);
  const x = tf.randomUniform([w.batch, 32, 32, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: w.batch }, (_, i) => i % 10), "int32"), 10));
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

/** One convolution of a WRN on 32x32 inputs: output size, kernel, channels. */
interface ConvShape {
  out: number;
  k: number;
  cin: number;
  cout: number;
}

/** The convolutions of WRN-depth-width on 32x32 images (spec 2.1): the stem, then per block conv1, conv2 and the 1x1 shortcut where the shape changes. */
function wrnConvs(depth: number, width: number): ConvShape[] {
  const [w0, ...stages] = stageWidths(width);
  const convs: ConvShape[] = [{ out: 32, k: 3, cin: 3, cout: w0 }];
  let cin = w0;
  stages.forEach((cout, s) => {
    const out = 32 >> s;
    for (let b = 0; b < blocksPerStage(depth); b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      convs.push({ out, k: 3, cin, cout }, { out, k: 3, cin: cout, cout });
      if (stride !== 1 || cin !== cout) convs.push({ out, k: 1, cin, cout });
      cin = cout;
    }
  });
  return convs;
}

/**
 * Convolution FLOPs of one step (2 per multiply-add; batch norms, activations and the head are
 * left out): `input-grad` = forward + input gradient of every conv, `train` = forward + filter
 * gradient of every conv + input gradient of every conv but the stem (the images need none).
 * Undefined for `inception`.
 */
export function workloadFlops(w: Workload): number | undefined {
  if (w.kind === "inception") return undefined;
  const pass = wrnConvs(w.depth, w.width).map((c) => 2 * w.batch * c.out * c.out * c.k * c.k * c.cin * c.cout);
  const forward = pass.reduce((a, b) => a + b, 0);
  return w.kind === "input-grad" ? 2 * forward : 3 * forward - pass[0]!;
}

/**
 * The roofline's rate (FLOP/s) on the active backend, measured in the same run: a 1x1
 * convolution shaped as one large GEMM ([1, 64, 64, 1024] images, 1024 filters, 8.6 GFLOP),
 * the best of `reps` calls after one warm-up.
 */
export function measurePeakFlops(reps = 3): number {
  return tf.tidy(() => {
    const x = tf.randomUniform([1, 64, 64, 1024], -1, 1, "float32", 1) as tf.Tensor4D;
    const f = tf.randomUniform([1, 1, 1024, 1024], -1, 1, "float32", 2) as tf.Tensor4D;
    const flops = 2 * 64 * 64 * 1024 * 1024;
    let best = Infinity;
    for (let i = 0; i <= reps; i++) {
      const t = performance.now();
      tf.tidy(() => void tf.conv2d(x, f, 1, "valid").dataSync());
      if (i > 0) best = Math.min(best, performance.now() - t);
    }
    return flops / (best / 1000);
  });
}

/** Runs the same workloads in PyTorch (python/speed_torch.py) when `/usr/bin/python3 -c "import torch"` works; else says why not. */
export function runTorch(workloads: Workload[], threads: number, warmup: number, reps: number): { version: string; results: Result[] } | string {
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

/** Parses `16-2,16-4` and `train,input-grad,inception` into workloads (`inception` once, at `inceptionBatch`). */
export function parseWorkloads(nets: string, kinds: string, batch: number, inceptionBatch = 16): Workload[] {
  const out: Workload[] = [];
  const ks = kinds.split(",").map((k) => k.trim());
  for (const kind of ks) {
    if (kind !== "train" && kind !== "input-grad" && kind !== "inception") throw new Error(`--kinds: expected train, input-grad or inception, got '${kind}'`);
  }
  for (const net of nets.split(",")) {
    const m = /^(\d+)-(\d+)$/.exec(net.trim());
    if (!m) throw new Error(`--nets: expected depth-width like 16-2, got '${net}'`);
    for (const kind of ks) {
      if (kind === "train" || kind === "input-grad") out.push({ kind, depth: Number(m[1]), width: Number(m[2]), batch });
    }
  }
  if (ks.includes("inception")) out.push({ kind: "inception", depth: 0, width: 0, batch: inceptionBatch });
  return out;
}

/**
 * The markdown table of a run: TF.js time (with the native kernels when active), the wasm-only
 * time and the speed-up the native kernels gave where both ran, PyTorch's time and the ratio
 * TF.js / PyTorch where PyTorch ran, the roofline time (`workloadFlops` at the measured peak)
 * and the fraction of it the TF.js time reaches.
 */
export function speedTable(rows: (Result & { wasmMs?: number; torchMs?: number; ratio?: number; rooflineMs?: number })[]): string {
  const lines = ["| workload | net | batch | TF.js ms | wasm-only ms | native speed-up | PyTorch ms | ratio | roofline ms | of roofline |", "|---|---|---|---|---|---|---|---|---|---|"];
  const f = (v: number | undefined, d = 0): string => (v === undefined ? "–" : v.toFixed(d));
  for (const r of rows) {
    const fraction = r.rooflineMs === undefined ? "–" : `${((100 * r.rooflineMs) / r.ms).toFixed(0)} %`;
    lines.push(`| ${r.kind} | ${netName(r)} | ${r.batch} | ${f(r.ms)} | ${f(r.wasmMs)} | ${r.wasmMs ? `${(r.wasmMs / r.ms).toFixed(1)}x` : "–"} | ${f(r.torchMs)} | ${f(r.ratio, 2)} | ${f(r.rooflineMs)} | ${fraction} |`);
  }
  return lines.join("\n");
}
