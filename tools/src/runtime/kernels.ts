/**
 * Per-kernel timings of the convolutions of a WRN-16-2 at batch 64 (forward, input gradient,
 * filter gradient) on wasm with this package's kernels, wasm's own Conv2DBackpropInput, and
 * the cpu backend, measured in one run; then a `tf.profile` of a full forward + backward of
 * the WRN-16-2 conv stack on wasm. Run: `pnpm --filter @ebjdat/tools runtime:kernels [--batch 64]
 * [--reps 3] [--cpu-batch 2] [--no-cpu] [--native]`. The wasm kernels are timed with the native addon off;
 * `--native` times the native kernels in the "ours" columns instead.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, setConvGradStrategy, setNativeKernels } from "@ebjdat/runtime";

interface Shape {
  name: string;
  hw: number;
  ci: number;
  co: number;
  k: number;
  s: number;
  count: number;
}

/** The distinct convolutions of WRN-16-2 (JEM layout) and how often each occurs. */
const WRN16_2: Shape[] = [
  { name: "stem 3->16", hw: 32, ci: 3, co: 16, k: 3, s: 1, count: 1 },
  { name: "g1 16->32", hw: 32, ci: 16, co: 32, k: 3, s: 1, count: 1 },
  { name: "g1 32->32", hw: 32, ci: 32, co: 32, k: 3, s: 1, count: 3 },
  { name: "g1 sc 1x1 16->32", hw: 32, ci: 16, co: 32, k: 1, s: 1, count: 1 },
  { name: "g2 32->64 s2", hw: 32, ci: 32, co: 64, k: 3, s: 2, count: 1 },
  { name: "g2 64->64", hw: 16, ci: 64, co: 64, k: 3, s: 1, count: 3 },
  { name: "g2 sc 1x1 32->64 s2", hw: 32, ci: 32, co: 64, k: 1, s: 2, count: 1 },
  { name: "g3 64->128 s2", hw: 16, ci: 64, co: 128, k: 3, s: 2, count: 1 },
  { name: "g3 128->128", hw: 8, ci: 128, co: 128, k: 3, s: 1, count: 3 },
  { name: "g3 sc 1x1 64->128 s2", hw: 16, ci: 64, co: 128, k: 1, s: 2, count: 1 },
];

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const BATCH = flag("batch", 64);
const REPS = flag("reps", 3);
const WITH_CPU = !args.includes("--no-cpu");
/** The cpu backend is ~100x slower: it runs at this batch and its times are scaled linearly to BATCH. */
const CPU_BATCH = flag("cpu-batch", 2);

function timeMs(f: () => tf.Tensor, reps: number): number {
  const warm = f();
  warm.dataSync();
  warm.dispose();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const y = f();
    y.dataSync();
    ts.push(performance.now() - t0);
    y.dispose();
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

interface Row {
  fwd: number;
  dxOurs: number;
  dxNative: number;
  dwIm2col: number;
  dwConv: number;
  cpuFwd: number;
  cpuDx: number;
  cpuDw: number;
}

function kernels(s: Shape, reps: number, batch = BATCH): { fwd: () => number; dx: () => number; dw: () => number; dispose: () => void } {
  const x = tf.randomUniform([batch, s.hw, s.hw, s.ci], -1, 1) as tf.Tensor4D;
  const w = tf.randomUniform([s.k, s.k, s.ci, s.co], -0.1, 0.1) as tf.Tensor4D;
  const oh = Math.ceil(s.hw / s.s);
  const dy = tf.randomUniform([batch, oh, oh, s.co], -1, 1) as tf.Tensor4D;
  const attrs = { strides: [s.s, s.s], pad: "same", dataFormat: "NHWC", dimRoundingMode: undefined };
  return {
    fwd: () => timeMs(() => tf.conv2d(x, w, s.s, "same"), reps),
    dx: () => timeMs(() => tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, { ...attrs, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor, reps),
    dw: () => timeMs(() => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, { ...attrs, filterShape: w.shape } as unknown as tf.NamedAttrMap) as tf.Tensor, reps),
    dispose: () => tf.dispose([x, w, dy]),
  };
}

function gflops(s: Shape, ms: number): string {
  const oh = Math.ceil(s.hw / s.s);
  const f = 2 * BATCH * oh * oh * s.k * s.k * s.ci * s.co;
  return ((f / ms) * 1e-6).toFixed(1);
}

const pad = (v: string | number, n: number): string => String(v).padStart(n);

async function main(): Promise<void> {
  const rows = new Map<Shape, Row>();
  await initBackend({ backend: "wasm" });
  const native = setNativeKernels(process.argv.includes("--native"));
  process.stderr.write(`native kernels: ${native.active ? `on (conv ${native.conv}, ${native.threads} threads)` : `off (${native.reason})`}\n`);
  for (const s of WRN16_2) {
    const k = kernels(s, REPS);
    setConvGradStrategy({ filter: "im2col", input: "conv" });
    const fwd = k.fwd();
    const dxOurs = k.dx();
    const dwIm2col = k.dw();
    setConvGradStrategy({ filter: "conv", input: "native" });
    const dxNative = k.dx();
    const dwConv = k.dw();
    process.stderr.write(`. ${s.name}\n`);
    k.dispose();
    rows.set(s, { fwd, dxOurs, dxNative, dwIm2col, dwConv, cpuFwd: NaN, cpuDx: NaN, cpuDw: NaN });
  }
  setConvGradStrategy({ filter: "conv", input: "conv" });
  if (WITH_CPU) {
    await initBackend({ backend: "cpu" });
    for (const s of WRN16_2) {
      const k = kernels(s, 1, CPU_BATCH);
      const r = rows.get(s)!;
      const scale = BATCH / CPU_BATCH;
      r.cpuFwd = k.fwd() * scale;
      r.cpuDx = k.dx() * scale;
      r.cpuDw = k.dw() * scale;
      k.dispose();
    }
  }
  console.log(`\nWRN-16-2 convolutions, batch ${BATCH}, median of ${REPS} (cpu: 1 run at batch ${CPU_BATCH}, scaled x${BATCH / CPU_BATCH}), ms; GFLOP/s in ()`);
  console.log(
    ["shape".padEnd(22), "n", pad("fwd", 13), pad("dx ours", 13), pad("dx native", 13), pad("dw im2col", 13), pad("dw conv", 13), pad("cpu fwd", 9), pad("cpu dx", 9), pad("cpu dw", 9), pad("native/ours", 12), pad("cpu/ours dx", 12), pad("cpu/ours dw", 12)].join(" "),
  );
  const tot = { fwd: 0, dxOurs: 0, dxNative: 0, dwIm2col: 0, dwConv: 0, cpuFwd: 0, cpuDx: 0, cpuDw: 0 };
  for (const [s, r] of rows) {
    for (const key of Object.keys(tot) as (keyof typeof tot)[]) tot[key] += r[key] * s.count;
    const cell = (ms: number): string => pad(`${ms.toFixed(1)} (${gflops(s, ms)})`, 13);
    const dwBest = Math.min(r.dwIm2col, r.dwConv);
    console.log(
      [s.name.padEnd(22), String(s.count), cell(r.fwd), cell(r.dxOurs), cell(r.dxNative), cell(r.dwIm2col), cell(r.dwConv), pad(r.cpuFwd.toFixed(0), 9), pad(r.cpuDx.toFixed(0), 9), pad(r.cpuDw.toFixed(0), 9), pad((r.dxNative / r.dxOurs).toFixed(2), 12), pad((r.cpuDx / r.dxOurs).toFixed(1), 12), pad((r.cpuDw / dwBest).toFixed(1), 12)].join(" "),
    );
  }
  console.log(
    `total per step (x count): fwd ${tot.fwd.toFixed(0)} ms, dx ours ${tot.dxOurs.toFixed(0)} / native ${tot.dxNative.toFixed(0)} ms, dw im2col ${tot.dwIm2col.toFixed(0)} / conv ${tot.dwConv.toFixed(0)} ms; cpu fwd ${tot.cpuFwd.toFixed(0)}, dx ${tot.cpuDx.toFixed(0)}, dw ${tot.cpuDw.toFixed(0)} ms`,
  );

  // Where the time goes in a full forward + backward of the conv stack (wasm, default strategy).
  await initBackend({ backend: "wasm" });
  const stack = WRN16_2.flatMap((s) => Array.from({ length: s.k === 1 ? 0 : s.count }, () => s));
  const ws = stack.map((s) => tf.variable(tf.randomUniform([s.k, s.k, s.ci, s.co], -0.1, 0.1)) as tf.Variable<tf.Rank.R4>);
  const bs = stack.map((s) => tf.variable(tf.zeros([s.co])) as tf.Variable<tf.Rank.R1>);
  const x0 = tf.randomUniform([BATCH, 32, 32, 3], 0, 1) as tf.Tensor4D;
  const step = (): tf.Scalar =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        let h: tf.Tensor4D = x0;
        stack.forEach((s, i) => {
          h = tf.leakyRelu(tf.add(tf.conv2d(h, ws[i]!, s.s, "same"), bs[i]!), 0.2) as tf.Tensor4D;
        });
        return tf.mean(tf.square(h));
      });
      tf.dispose(grads);
      return value;
    });
  step().dispose();
  const t0 = performance.now();
  const prof = await tf.profile(() => step());
  const wall = performance.now() - t0;
  const byKernel = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    e.n += 1;
    byKernel.set(k.name, e);
  }
  const sorted = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  const total = sorted.reduce((a, [, e]) => a + e.ms, 0);
  console.log(`\ntf.profile: forward + backward of the WRN-16-2 3x3 conv stack (+bias, leakyRelu), batch ${BATCH}, wasm: wall ${wall.toFixed(0)} ms, kernels ${total.toFixed(0)} ms`);
  for (const [name, e] of sorted) console.log(`  ${name.padEnd(24)} ${pad(e.ms.toFixed(1), 8)} ms ${pad(((100 * e.ms) / total).toFixed(1), 5)}%  (${e.n} calls)`);
  tf.dispose([...ws, ...bs, x0]);
}

void main();
