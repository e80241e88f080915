// Step cost of every objective relative to the standard cross-entropy step, in the same run
// (issue 7 benchmark; spec 9.3 cost model: one EB-JDAT iteration ≈ n_steps + 1.5·K + ~4
// forward+backward passes). Each objective uses its `<method>-paper` sampler/attack settings
// (n_steps 10, PYLD 10×5, K 5, PGD-10) on WRN-16-2 with BN, batch 32, a 256-image buffer.
// Usage:
//   EBJDAT_BACKEND=wasm pnpm --filter @ebjdat/tools trainer:step-cost [--batch 32] [--reps 2] [--methods standard,ebjdat-jempp]
import * as tf from "@tensorflow/tfjs-core";
import { backendInfo, initBackend, Rng } from "@ebjdat/runtime";
import { createWideResNet } from "@ebjdat/models";
import type { Dataset } from "@ebjdat/data";
import { createObjective, createOptimizer, jemBase, METHODS, objectiveGradients, PRESETS, samFirstStep, type Method, type TrainBatch, type TrainConfig } from "@ebjdat/trainer";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
}

/** Random uint8 images: the step cost does not depend on the pixels. */
function syntheticData(n: number, rng: Rng): Dataset {
  const images = new Uint8Array(n * 32 * 32 * 3);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(0, 256);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  return { name: "synthetic", spec: "synthetic", images, labels, n, height: 32, width: 32, channels: 3, numClasses: 10, classNames: [...Array(10).keys()].map(String), source: "synthetic" };
}

function configFor(method: Method, batch: number): TrainConfig {
  const p = PRESETS[`${method}-paper`]!;
  return { ...p, model: { ...p.model, depth: 16, width: 2, norm: "batch" }, batchSize: batch, jem: { ...p.jem, buffer: { size: 256, init: jemBase(method) === "jem" ? "uniform" : "gm-diag" }, px: { ...p.jem.px, batchSize: batch } } };
}

/** Seconds of one full training step (sampling, forward/backward, SAM second pass, optimiser). */
function timeStep(config: TrainConfig, data: Dataset, reps: number): number {
  const model = createWideResNet({ ...config.model, numClasses: 10 }, 1);
  const objective = createObjective(config, data, new Rng(1));
  const optimizer = createOptimizer(config.optimizer);
  const vars = model.trainableVariables();
  const net = (x: tf.Tensor4D, m: "train" | "eval" | "train-frozen"): tf.Tensor2D => model.netLogits(x, m);
  const rng = new Rng(2);
  const b = config.batchSize;
  const batch: TrainBatch = { xNet: rng.uniform<tf.Rank.R4>([b, 32, 32, 3], -1, 1), y: tf.tensor1d(Int32Array.from({ length: b }, (_, i) => i % 10), "int32"), xData: rng.uniform<tf.Rank.R4>([b, 32, 32, 3], -1, 1) };
  const times: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const t0 = performance.now();
    const r1 = objectiveGradients(objective, batch, { net, vars, rng: new Rng(r), step: r });
    let grads = r1.grads;
    if (config.sam.rho > 0) {
      const p = samFirstStep(vars, grads, { rho: config.sam.rho });
      tf.dispose(Object.values(grads));
      grads = objectiveGradients(objective, batch, { net, vars, rng: new Rng(r), step: r, pass: 2 }).grads;
      p.restore();
    }
    optimizer.apply(vars, grads, 1e-3, (v) => model.keyOf(v) ?? v.name);
    tf.dispose(Object.values(grads));
    if (r > 0) times.push((performance.now() - t0) / 1000); // r = 0 is the warm-up
  }
  tf.dispose([batch.xNet, batch.y, batch.xData!]);
  objective.dispose?.();
  optimizer.dispose();
  model.dispose();
  times.sort((a, b2) => a - b2);
  return times[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  await initBackend({ quiet: true });
  const batch = Number(arg("batch", "32"));
  const reps = Number(arg("reps", "2"));
  const methods = arg("methods", METHODS.join(",")).split(",") as Method[];
  if (!methods.includes("standard")) methods.unshift("standard");
  const data = syntheticData(256, new Rng(3));
  console.log(`backend ${backendInfo()?.name ?? tf.getBackend()}, WRN-16-2 BN, batch ${batch}, median of ${reps} steps after 1 warm-up`);
  // the CE baseline is cheap and noisy on a shared machine: median of ≥ 5 steps, before and after
  const ceReps = Math.max(5, reps);
  const base0 = timeStep(configFor("standard", batch), data, ceReps);
  const rows: [Method, number][] = [];
  for (const m of methods) if (m !== "standard") rows.push([m, timeStep(configFor(m, batch), data, reps)]);
  const base1 = timeStep(configFor("standard", batch), data, ceReps);
  const base = (base0 + base1) / 2;
  console.log(`CE step: ${base0.toFixed(3)} s before, ${base1.toFixed(3)} s after the others`);
  console.log("| method | sampler / attack (paper settings) | s/step | × CE |");
  console.log("|---|---|---|---|");
  for (const [m, t] of [["standard", base] as [Method, number], ...rows]) {
    const c = configFor(m, batch);
    const b = jemBase(m);
    const what = b
      ? `${b === "jem" ? "SGLD" : b === "jempp" ? "PYLD" : "SGLD-clip"} ${c.jem.sampler.nSteps}${b === "jempp" ? `×${c.jem.sampler.inSteps}` : ""}` + (c.jem.weights.adv > 0 || c.jem.weights.ceAdv > 0 ? ` + adv ${c.adv.mode} K ${c.adv.steps}` : "") + (c.sam.rho > 0 ? " + SAM" : "")
      : m === "standard" ? "–" : `${m === "trades" ? "KL-" : ""}PGD-${c.adv.steps}`;
    console.log(`| ${m} | ${what} | ${t.toFixed(2)} | ${(t / base).toFixed(1)} |`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
