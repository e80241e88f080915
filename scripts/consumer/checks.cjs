"use strict";
/**
 * The consumer checks, shared by the ESM (`consumer.mjs`) and CommonJS (`consumer.cjs`) entry
 * points. This file imports nothing itself: each entry point loads the published packages its
 * own way (`import` or `require`) and hands them in, so the module format under test is the
 * entry point's.
 *
 * Runs inside a fresh npm project outside the workspace (see ../consumer-test.mjs).
 */

const EPS = 8 / 255;

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function timed(label, fn) {
  const t0 = Date.now();
  const out = await fn();
  console.log(`  ok  ${label} (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
  return out;
}

/** A linear classifier on 32x32x3 images built from tfjs-core ops only: f(x) = flatten(x) W + b. */
function linearModel(tf, runtime) {
  const rng = new runtime.Rng(7);
  const w = rng.normal([32 * 32 * 3, 10], 0, 0.05);
  const b = rng.normal([10], 0, 0.1);
  const logits = (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 32 * 32 * 3]), w), b));
  return { logits, dispose: () => { w.dispose(); b.dispose(); } };
}

async function checkAttacks(mods) {
  const { tf, runtime, attacks } = mods;
  const model = linearModel(tf, runtime);
  const x = new runtime.Rng(11).uniform([12, 32, 32, 3], 0, 1);
  const pred = tf.tidy(() => tf.argMax(model.logits(x), 1));
  const y = Int32Array.from(await pred.data());
  pred.dispose();
  const before = tf.memory().numTensors;
  for (const name of ["pgd", "apgd-ce"]) {
    await timed(`attacks: runAttack("${name}") on a linear tfjs-core model`, async () => {
      const r = await attacks.runAttack(name, model.logits, x, y, { eps: EPS, steps: 10, seed: 0, onWarning: () => {} });
      assert(r.attack === name, `${name}: result names attack ${r.attack}`);
      assert(r.cleanAccuracy === 1, `${name}: clean accuracy ${r.cleanAccuracy}, expected 1 (labels are the clean predictions)`);
      assert(r.robustAccuracy < 0.5, `${name}: robust accuracy ${r.robustAccuracy} on an undefended linear model (expected < 0.5: are gradients flowing?)`);
      const xs = x.dataSync(), as = r.xAdv.dataSync();
      assert(as.length === xs.length, `${name}: xAdv has ${as.length} values, expected ${xs.length}`);
      let linf = 0, lo = Infinity, hi = -Infinity;
      for (let i = 0; i < xs.length; i++) {
        linf = Math.max(linf, Math.abs(as[i] - xs[i]));
        lo = Math.min(lo, as[i]);
        hi = Math.max(hi, as[i]);
      }
      assert(linf <= EPS + 1e-6, `${name}: ||xAdv - x||inf = ${linf} exceeds eps ${EPS}`);
      assert(lo >= 0 && hi <= 1, `${name}: xAdv leaves [0, 1]: [${lo}, ${hi}]`);
      assert(r.maxPerturbation <= EPS + 1e-6, `${name}: reported maxPerturbation ${r.maxPerturbation} > eps`);
      console.log(`      clean ${r.cleanAccuracy.toFixed(2)}, robust ${r.robustAccuracy.toFixed(2)}, max |dx| ${linf.toFixed(5)} <= ${EPS.toFixed(5)}`);
      r.xAdv.dispose();
    });
  }
  const after = tf.memory().numTensors;
  assert(after === before, `attacks: ${after - before} tensors leaked by runAttack`);
  x.dispose();
  model.dispose();
}

/** Unbiased polynomial-kernel MMD² written out here, independently of the package. */
function referenceMmd2(a, b, m, d) {
  const k = (p, i, q, j) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += p[i * d + t] * q[j * d + t];
    return (s / d + 1) ** 3;
  };
  let xx = 0, yy = 0, xy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i !== j) { xx += k(a, i, a, j); yy += k(b, i, b, j); }
      xy += k(a, i, b, j);
    }
  }
  return (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
}

async function checkMetrics(mods) {
  const { runtime, metrics } = mods;
  await timed("metrics: polynomialMmd2 and kernelInceptionDistance on random features", () => {
    const rng = new runtime.Rng(3);
    const n = 120, d = 32;
    const feats = (shift) => {
      const data = new Float64Array(n * d);
      for (let i = 0; i < data.length; i++) data[i] = rng.gaussian() + shift;
      return { rows: n, cols: d, data };
    };
    const a = feats(0), same = feats(0), shifted = feats(0.5);
    const mmd = metrics.polynomialMmd2(a, shifted);
    const ref = referenceMmd2(a.data, shifted.data, n, d);
    assert(Math.abs(mmd - ref) <= 1e-9 * (1 + Math.abs(ref)), `metrics: polynomialMmd2 = ${mmd}, independent value ${ref}`);
    const perm = (m) => rng.permutation(m);
    const kidSame = metrics.kernelInceptionDistance(a, same, { subsets: 10, subsetSize: 50, permutation: perm });
    const kidShift = metrics.kernelInceptionDistance(a, shifted, { subsets: 10, subsetSize: 50, permutation: perm });
    assert(kidSame.subsetValues.length === 10 && kidSame.subsetSize === 50, "metrics: KID subsets/subsetSize not as asked");
    assert(Math.abs(kidSame.mean) < 0.05, `metrics: KID of two draws of one distribution is ${kidSame.mean}, expected ~0`);
    assert(kidShift.mean > 10 * Math.max(Math.abs(kidSame.mean), 1e-3), `metrics: KID of shifted features ${kidShift.mean} not clearly above ${kidSame.mean}`);
    console.log(`      MMD² ${mmd.toFixed(6)} (independent ${ref.toFixed(6)}); KID same ${kidSame.mean.toFixed(4)} ± ${kidSame.std.toFixed(4)}, shifted ${kidShift.mean.toFixed(4)} ± ${kidShift.std.toFixed(4)}`);
  });
}

async function checkModels(mods, shared) {
  const { tf, models, formats } = mods;
  const dir = `${shared}/vectors/models`;
  await timed("models: loadModel(sadajem_wrn10_1_bn_stats.safetensors) and one forward pass", async () => {
    const { model, source } = await models.loadModel(`${dir}/sadajem_wrn10_1_bn_stats.safetensors`);
    const input = formats.loadSafetensorsFile(`${dir}/input_batch.safetensors`).tensors.get("x01");
    const ref = formats.loadSafetensorsFile(`${dir}/sadajem_wrn10_1_bn_stats.outputs.safetensors`).tensors.get("logits_eval");
    assert(input && ref, "models: input_batch x01 or outputs logits_eval missing from the shared vectors");
    const x = tf.tensor4d(formats.toFloat32(input), input.shape);
    const logits = model.logits(x, "eval");
    assert(logits.shape.join() === ref.shape.join(), `models: logits shape [${logits.shape}], expected [${ref.shape}]`);
    const got = logits.dataSync(), want = formats.toFloat32(ref);
    let err = 0, scale = 0;
    for (let i = 0; i < want.length; i++) {
      err = Math.max(err, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    // Tolerance of shared/vectors/README.md section 5 (logits): max abs error <= 1e-4 (1 + max|ref|).
    assert(err <= 1e-4 * (1 + scale), `models: logits differ from the PyTorch reference by ${err} (> ${1e-4 * (1 + scale)})`);
    console.log(`      ${source.kind ?? ""} config ${JSON.stringify(model.config)}; max |logits - ref| ${err.toExponential(2)}`);
    logits.dispose();
    x.dispose();
    model.dispose();
  });
}

/** Runs every check; `mods` = {tf, runtime, attacks, metrics, models, formats}, loaded by the caller. */
async function runChecks(kind, mods) {
  const shared = process.env.EBJDAT_SHARED;
  assert(shared, "EBJDAT_SHARED must name the shared reference folder");
  const t0 = Date.now();
  console.log(`[${kind}] consumer checks`);
  const info = await mods.runtime.initBackend({ quiet: true });
  console.log(`  ok  runtime: initBackend() chose ${info.name} (tf.getBackend() = ${mods.tf.getBackend()}, TF.js ${info.tfjsVersion})`);
  await checkAttacks(mods);
  await checkMetrics(mods);
  await checkModels(mods, shared);
  console.log(`[${kind}] all checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

module.exports = { runChecks };
