// Benchmark of the informative initialisation (spec 3.1): fit time and memory per covariance
// option on synthetic class data. Usage:
//   pnpm --filter @ebjdat/tools samplers:gm-init [--side 32] [--n 5000] [--rank 64]
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, Rng, backendInfo } from "@ebjdat/runtime";
import { fitClassGaussians, gaussianInit, gaussianMemoryBytes, type CovarianceKind } from "@ebjdat/samplers";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  await initBackend({ quiet: true });
  const side = arg("side", 32);
  const n = arg("n", 5000);
  const rank = arg("rank", 64);
  const d = side * side * 3;
  const rng = new Rng(1);
  // one class of smooth-ish images: low-rank structure plus noise, in [-1, 1]
  const data = rng.normalArray(n * d, 0, 0.3);
  const y = new Int32Array(n);
  console.log(`backend ${backendInfo()?.name}, one class, N = ${n}, D = ${d}`);
  for (const kind of ["diag", "pca", "full"] as CovarianceKind[]) {
    const t0 = performance.now();
    const g = fitClassGaussians({ data, shape: [n, side, side, 3] }, y, { numClasses: 1, covariance: kind, rank });
    const t1 = performance.now();
    const s = gaussianInit(g).sample(64, rng);
    const t2 = performance.now();
    console.log(
      `${kind.padEnd(5)} fit ${((t1 - t0) / 1000).toFixed(2)} s, 64 samples ${((t2 - t1) / 1000).toFixed(3)} s, ` +
        `memory ${(gaussianMemoryBytes(kind, d, 1, rank) / 2 ** 20).toFixed(2)} MiB per class (${s.length / d} samples ok)`,
    );
  }
  console.log(`tensors alive: ${tf.memory().numTensors}`);
}

void main();
