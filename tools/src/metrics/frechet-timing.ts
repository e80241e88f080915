// Linear-algebra cost at FID size (not a test): `pnpm --filter @ebjdat/tools metrics:frechet-timing [--dim 2048] [--n 4096]`.
// Times the float64 mean/covariance, eigh (with and without vectors) and the Fréchet distance.
import { eigh, meanAndCovariance } from "@ebjdat/linalg";
import { frechetDistanceParts } from "@ebjdat/metrics";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  console.log(`${label.padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(8)} s`);
  return r;
}

const d = Number(arg("dim", "2048"));
const n = Number(arg("n", String(2 * d)));
let s = 12345;
const rnd = (): number => {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  return s / 4294967296;
};
const mk = (shift: number) => {
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = rnd();
    for (let j = 0; j < d; j++) x[i * d + j] = Math.max(0, rnd() + z * ((j % 7) / 7) - 0.3 + shift);
  }
  return { rows: n, cols: d, data: x };
};
console.log(`d = ${d}, n = ${n} samples per set`);
const a = time(`meanAndCovariance (n=${n})`, () => meanAndCovariance(mk(0)));
const b = time(`meanAndCovariance (n=${n})`, () => meanAndCovariance(mk(0.05)));
time(`eigh values only (${d}x${d})`, () => eigh(a.cov, { vectors: false }));
const e = time(`eigh with vectors (${d}x${d})`, () => eigh(a.cov));
console.log(`  smallest / largest eigenvalue ${e.values[0].toExponential(3)} / ${e.values[d - 1].toExponential(3)}`);
const p = time(`frechetDistance total (${d}-d)`, () => frechetDistanceParts(a.mean, a.cov, b.mean, b.cov));
console.log(`  FD ${p.value} (factor ${p.factor}, mean term ${p.meanTerm.toExponential(3)}, clamped eigenvalues ${p.clampedEigenvalues})`);
const q = time(`frechetDistance, method "eigh" (${d}-d)`, () => frechetDistanceParts(a.mean, a.cov, b.mean, b.cov, { method: "eigh" }));
console.log(`  FD ${q.value} (relative difference to the Cholesky route ${(Math.abs(q.value - p.value) / p.value).toExponential(2)})`);
const z = time(`frechetDistance(a, a) (${d}-d)`, () => frechetDistanceParts(a.mean, a.cov, a.mean, a.cov));
console.log(`  FD(a, a) = ${z.value.toExponential(3)} (round-off; relative to tr Σ ${(z.value / z.traceSigma1).toExponential(2)})`);
